using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>Core's dense head, logits = W h + B per labelled step, with softmax cross-entropy.</summary>
internal sealed class DenseHead<T> : TrainableHead<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int GradW = 0, GradB = 1;
    private readonly T[] _w, _b;
    private readonly ParameterTensor<T>[] _parameters;

    public DenseHead(DenseLayer core)
    {
        InputSize = core.InputSize;
        Classes = core.OutputSize;
        _w = core.W.Select(v => T.CreateChecked(v)).ToArray();
        _b = core.B.Select(v => T.CreateChecked(v)).ToArray();
        _parameters = [new("head.W", _w, true), new("head.B", _b, false)];
    }

    public override int InputSize { get; }
    public override int Classes { get; }
    public override IReadOnlyList<ParameterTensor<T>> Parameters => _parameters;

    public override (double Loss, int Correct) ForwardBackward(ReadOnlySpan<T> hidden, Span<T> hiddenGrad, SequenceShape s,
        ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, T lossScale, T[][] grads)
    {
        int hs = InputSize;
        Span<T> p = new T[Classes];
        hiddenGrad[..(s.Batch * s.Steps * hs)].Clear();
        double loss = 0;
        int correct = 0;
        for (int at = 0; at < s.Batch * s.Steps; at++)
        {
            int y = targets[at];
            if (y < 0) continue;
            var h = hidden.Slice(at * hs, hs);
            if (DenseLogits(_w, _b, h, p) == y) correct++;
            T logP = LogSoftmaxInPlace(p, y);
            T w = classWeights[y];
            loss += double.CreateChecked(-w * logP);
            // dLoss/dlogit_c = scale * w * (p_c - [c = y]); p now holds probabilities.
            p[y] -= T.One;
            TensorPrimitives.Multiply(p, w * lossScale, p);
            var dh = hiddenGrad.Slice(at * hs, hs);
            for (int c = 0; c < Classes; c++)
            {
                var row = _w.AsSpan(c * hs, hs);
                TensorPrimitives.MultiplyAdd(row, p[c], dh, dh);
                var dRow = grads[GradW].AsSpan(c * hs, hs);
                TensorPrimitives.MultiplyAdd(h, p[c], dRow, dRow);
                grads[GradB][c] += p[c];
            }
        }
        return (loss, correct);
    }

    public override double Predict(ReadOnlySpan<T> hidden, SequenceShape s, ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, Span<int> predicted)
    {
        int hs = InputSize;
        Span<T> p = new T[Classes];
        double loss = 0;
        for (int at = 0; at < s.Batch * s.Steps; at++)
        {
            int y = targets[at];
            predicted[at] = -1;
            if (y < 0) continue;
            predicted[at] = DenseLogits(_w, _b, hidden.Slice(at * hs, hs), p);
            loss += double.CreateChecked(-classWeights[y] * LogSoftmaxInPlace(p, y));
        }
        return loss;
    }

    public override void Logits(ReadOnlySpan<T> hidden, Span<T> logits) => DenseLogits(_w, _b, hidden, logits);

    public override DenseLayer ToCore()
    {
        var d = new DenseLayer(InputSize, Classes);
        for (int i = 0; i < _w.Length; i++) d.W[i] = float.CreateChecked(_w[i]);
        for (int i = 0; i < _b.Length; i++) d.B[i] = float.CreateChecked(_b[i]);
        return d;
    }

}
