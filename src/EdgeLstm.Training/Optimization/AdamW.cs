using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with decoupled weight decay (AdamW, Loshchilov &amp; Hutter 2019):
/// p -= lr * (m̂ / (sqrt(v̂) + eps) + decay * p), the decay only on arrays marked for it.
/// Element-wise and sequential, so deterministic.
/// </summary>
internal sealed class AdamW<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<ParameterTensor<T>> _parameters;
    private readonly T[][] _m, _v;
    private readonly T _beta1, _beta2, _eps;
    private int _step;

    public AdamW(IReadOnlyList<ParameterTensor<T>> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters;
        _m = parameters.Select(p => new T[p.Values.Length]).ToArray();
        _v = parameters.Select(p => new T[p.Values.Length]).ToArray();
        _beta1 = T.CreateChecked(beta1);
        _beta2 = T.CreateChecked(beta2);
        _eps = T.CreateChecked(epsilon);
    }

    public void Step(GradientSet<T> gradients, double learningRate, double weightDecay)
    {
        _step++;
        T lr = T.CreateChecked(learningRate);
        T corr1 = T.One / (T.One - T.CreateChecked(Math.Pow(double.CreateChecked(_beta1), _step)));
        T corr2 = T.One / (T.One - T.CreateChecked(Math.Pow(double.CreateChecked(_beta2), _step)));
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i].Values;
            var g = gradients.Arrays[i];
            var m = _m[i];
            var v = _v[i];
            T decay = _parameters[i].Decay ? T.CreateChecked(weightDecay) : T.Zero;
            for (int k = 0; k < p.Length; k++)
            {
                m[k] = _beta1 * m[k] + (T.One - _beta1) * g[k];
                v[k] = _beta2 * v[k] + (T.One - _beta2) * g[k] * g[k];
                T update = m[k] * corr1 / (T.Sqrt(v[k] * corr2) + _eps);
                p[k] -= lr * (update + decay * p[k]);
            }
        }
    }
}
