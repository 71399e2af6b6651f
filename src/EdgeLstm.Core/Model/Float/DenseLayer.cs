namespace EdgeLstm.Core.Model;

/// <summary>The classification head: logits = W h + B, W is [outputs, inputs] row-major.</summary>
public sealed class DenseLayer : IHeadShape
{
    public DenseLayer(int inputSize, int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        (InputSize, OutputSize) = (inputSize, outputSize);
        (W, B) = (new float[outputSize * inputSize], new float[outputSize]);
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public float[] W { get; }
    public float[] B { get; }

    public long MacsPerStep => (long)InputSize * OutputSize;
    public long ParameterCount => W.Length + B.Length;
}
