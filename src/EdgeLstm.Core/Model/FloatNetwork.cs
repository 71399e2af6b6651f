namespace EdgeLstm.Core.Model;

/// <summary>A stack of recurrent layers and a dense head, in float32: the reference form.</summary>
public sealed class FloatNetwork
{
    public FloatNetwork(IReadOnlyList<RecurrentLayer> layers, DenseLayer head)
    {
        Layers = layers;
        Head = head;
        ModelValidation.ValidateFloat(this);
    }

    public IReadOnlyList<RecurrentLayer> Layers { get; }
    public DenseLayer Head { get; }

    public int InputSize => Layers[0].InputSize;
    public int OutputSize => Head.OutputSize;
    public long MacsPerStep => Layers.Sum(l => l.MacsPerStep) + Head.MacsPerStep;

    /// <summary>Below <see cref="MacsPerStep"/> only where a layer skips work on some steps (Clockwork RNN).</summary>
    public double AverageMacsPerStep => Layers.Sum(l => l.AverageMacsPerStep) + Head.MacsPerStep;
    public long ParameterCount => Layers.Sum(l => l.ParameterCount) + Head.ParameterCount;
}
