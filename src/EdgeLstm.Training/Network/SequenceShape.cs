
namespace EdgeLstm.Training.Network;

/// <summary>
/// The shape of one shard's chunk: <see cref="Batch"/> sequences of <see cref="Steps"/> steps,
/// stored time-major (index t * Batch + b). Resets[t * Batch + b] says that sequence b starts
/// from zero state at step t (always at t = 0 for windows; at recording starts in streaming
/// lanes); where it is false at t = 0 the state carried from the previous chunk is used.
/// </summary>
internal readonly record struct SequenceShape(int Batch, int Steps, bool[] Resets)
{
    public int Index(int t, int b) => t * Batch + b;

    /// <summary>True when no state flows into step t of sequence b (so no gradient flows back out of it).</summary>
    public bool StartsFresh(int t, int b) => Resets[t * Batch + b];
}
