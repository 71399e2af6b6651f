namespace EdgeLstm.Core.Integer;

/// <summary>
/// A cell step with a fused vector form beside its scalar reference (the LSTM without peepholes,
/// the GRU with linear_before_reset = 1): where the kernels fuse, the kind's constructor calls
/// <see cref="Fuse"/> and the weights live only in the <see cref="FusedLayer"/>'s layout; the fused
/// form runs the products, the gates and the state update in one pass per block of units, writing
/// h' beside h, and the two buffers swap. Otherwise <see cref="Step"/> runs the kind's reference
/// sequence, whose products and update a <see cref="BatchedIntegerSession"/> also runs per lane.
/// The engine tests prove the two forms bit-identical on every vector width.
/// </summary>
internal abstract unsafe class FusableCellStep : IntegerCellStep
{
    private FusedLayer? _fused;
    private short* _hNext; // the fused form writes h' here, then the buffers swap

    private protected FusableCellStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
    }

    /// <summary>Makes the step fused (called once, by the kind's constructor).</summary>
    private protected void Fuse(FusedLayer fused)
    {
        _fused = fused;
        _hNext = Shorts(HiddenLength);
    }

    /// <summary>Whether the fused form runs (no per-lane products then: the weights are only in its layout).</summary>
    private protected bool IsFused => _fused is not null;

    public sealed override void Step(short* x)
    {
        if (_fused is null)
        {
            StepReference(x);
            return;
        }
        RunFused(_fused, x, _hNext);
        short* previous = _h;
        _h = _hNext;
        _hNext = previous;
    }

    /// <summary>The fused vector form: h' into <paramref name="hNext"/> from x, h and the cell.</summary>
    private protected abstract void RunFused(FusedLayer fused, short* x, short* hNext);

    /// <summary>The scalar reference sequence of kernels.</summary>
    private protected abstract void StepReference(short* x);
}
