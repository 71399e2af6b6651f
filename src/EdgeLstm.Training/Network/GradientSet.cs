namespace EdgeLstm.Training.Network;

/// <summary>One gradient array per parameter array, same shapes, same order.</summary>
internal sealed class GradientSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public GradientSet(IReadOnlyList<ParameterTensor<T>> parameters) =>
        Arrays = parameters.Select(p => new T[p.Values.Length]).ToArray();

    public T[][] Arrays { get; }

    public void Clear()
    {
        foreach (var a in Arrays) Array.Clear(a);
    }

    /// <summary>this += other, element by element (the fixed-order reduction of the shards).</summary>
    public void Add(GradientSet<T> other)
    {
        for (int i = 0; i < Arrays.Length; i++)
        {
            var a = Arrays[i];
            var b = other.Arrays[i];
            for (int k = 0; k < a.Length; k++) a[k] += b[k];
        }
    }

    public void CopyFrom(GradientSet<T> other)
    {
        for (int i = 0; i < Arrays.Length; i++) other.Arrays[i].CopyTo(Arrays[i], 0);
    }

    /// <summary>The global L2 norm, accumulated in double in a fixed order.</summary>
    public double Norm()
    {
        double sum = 0;
        foreach (var a in Arrays)
            foreach (var v in a)
            {
                double d = double.CreateChecked(v);
                sum += d * d;
            }
        return Math.Sqrt(sum);
    }

    public void Scale(T factor)
    {
        foreach (var a in Arrays)
            for (int k = 0; k < a.Length; k++) a[k] *= factor;
    }

    /// <summary>The gradients that belong to layer i (the network's offsets), as the layer expects them.</summary>
    public T[][] Slice(int start, int count) => Arrays[start..(start + count)];
}
