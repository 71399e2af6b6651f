namespace EdgeLstm.Training.Network;

/// <summary>
/// What a head records while it scores one shard's chunk, and its scratch. The shard workers run
/// in parallel on one network, so nothing a head writes while scoring may live in the head: each
/// worker owns one tape per head, sized once for its largest chunk (like its <see cref="LayerTape{T}"/>s).
/// The dense head needs only the logits; heads that record more (attention's scores) subclass it.
/// </summary>
internal class HeadTape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public HeadTape(int classes) => Logits = new T[classes];

    /// <summary>The logits of one target; the backward pass turns them into dLoss/dlogits in place.</summary>
    public T[] Logits { get; }
}
