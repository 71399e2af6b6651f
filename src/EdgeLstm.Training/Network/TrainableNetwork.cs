namespace EdgeLstm.Training.Network;

/// <summary>
/// A stack of trainable layers and a head, built from and exported to Core's
/// <see cref="FloatNetwork"/>: the weights training produces are exactly what the float engine runs.
/// </summary>
internal sealed class TrainableNetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public TrainableNetwork(FloatNetwork core)
    {
        Layers = core.Layers.Select(TrainableCells<T>.Create).ToArray();
        Head = core.Attention is null ? new DenseHead<T>(core.Head) : new AttentionHead<T>(core.Head, core.Attention);
        Parameters = [.. Layers.SelectMany(l => l.Parameters), .. Head.Parameters];
        var offsets = new int[Layers.Count + 1];
        for (int i = 0; i < Layers.Count; i++) offsets[i + 1] = offsets[i] + Layers[i].Parameters.Count;
        ParameterOffsets = offsets;
    }

    public IReadOnlyList<TrainableLayer<T>> Layers { get; }
    public TrainableHead<T> Head { get; }

    /// <summary>Every trainable array: the layers' in order, then the head's.</summary>
    public IReadOnlyList<ParameterTensor<T>> Parameters { get; }

    /// <summary>Index of layer i's first array in <see cref="Parameters"/>; the last entry is the head's.</summary>
    public IReadOnlyList<int> ParameterOffsets { get; }

    public int InputSize => Layers[0].InputSize;
    public int Classes => Head.Classes;

    public FloatNetwork ToCore() => new(Layers.Select(l => l.ToCore()).ToList(), Head.ToCore(), Head.AttentionToCore());

    /// <summary>Copies every parameter value (best-epoch snapshots).</summary>
    public T[][] Snapshot() => Parameters.Select(p => (T[])p.Values.Clone()).ToArray();

    public void Restore(T[][] snapshot)
    {
        for (int i = 0; i < Parameters.Count; i++) snapshot[i].CopyTo(Parameters[i].Values, 0);
    }
}
