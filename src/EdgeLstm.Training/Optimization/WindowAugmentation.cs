
namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Random variations of training windows, drawn afresh every epoch so the network sees each
/// window a little differently each time (regularization for small datasets such as HAPT's 21
/// training subjects). All zero: off. Validation and calibration never see augmented windows.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Each window's start moves by up to ±Shift samples, staying inside its labelled segment.</summary>
    public int Shift { get; init; }

    /// <summary>Each window's raw channels are multiplied by one factor 1 + N(0, Scale) (the sensor's gain varies between phones).</summary>
    public double Scale { get; init; }

    /// <summary>Each x/y/z triplet (acc_*, gyro_*) is rotated by one random rotation of up to this many degrees (the phone's placement varies).</summary>
    public double RotateDegrees { get; init; }

    /// <summary>Gaussian noise of this standard deviation, in normalized units, added to every value.</summary>
    public double Noise { get; init; }

    public bool Any => Shift > 0 || Scale > 0 || RotateDegrees > 0 || Noise > 0;

    public void Validate()
    {
        if (Shift < 0 || Scale < 0 || RotateDegrees < 0 || Noise < 0) throw new ArgumentException("augmentation amounts must not be negative");
        if (RotateDegrees > 180) throw new ArgumentException("augmentation rotation must be at most 180 degrees");
    }
}

/// <summary>
/// Applies <see cref="AugmentationOptions"/> to one window in normalized units. Scaling and
/// rotation act on the raw values (x = x_n * std + mean), so a rotated accelerometer still
/// measures gravity of 1 g, then the result is normalized again the way the engines do.
/// Deterministic: one seeded generator, drawn in minibatch order on the training thread.
/// </summary>
internal sealed class WindowAugmentation
{
    private readonly AugmentationOptions _o;
    private readonly float[] _mean, _std, _invStd;
    private readonly int[][] _triplets;
    private readonly Random _random;
    private readonly float[] _rotation = new float[9];

    public WindowAugmentation(AugmentationOptions options, IReadOnlyList<string> channels, float[] mean, float[] std, int seed)
    {
        _o = options;
        _mean = mean;
        _std = std;
        _invStd = std.Select(s => s > 0 ? 1f / s : 1f).ToArray();
        _triplets = Triplets(channels);
        _random = new Random(seed);
    }

    public int Shift => _o.Shift;

    /// <summary>A start for a window nominally at <paramref name="start"/> whose segment allows starts in [lo, hi].</summary>
    public int ShiftStart(int start, int lo, int hi)
    {
        if (_o.Shift == 0) return start;
        int a = Math.Max(lo, start - _o.Shift), b = Math.Min(hi, start + _o.Shift);
        return a >= b ? start : _random.Next(a, b + 1);
    }

    /// <summary>Augments one window (steps x channels, row-major, normalized) in place.</summary>
    public void Apply(Span<float> window, int steps, int channels)
    {
        bool raw = _o.Scale > 0 || (_o.RotateDegrees > 0 && _triplets.Length > 0);
        if (raw)
        {
            float gain = _o.Scale > 0 ? (float)(1 + _o.Scale * Gaussian()) : 1f;
            bool rotate = _o.RotateDegrees > 0 && _triplets.Length > 0;
            if (rotate) RandomRotation(_o.RotateDegrees * Math.PI / 180);
            for (int t = 0; t < steps; t++)
            {
                var row = window.Slice(t * channels, channels);
                for (int j = 0; j < channels; j++) row[j] = (row[j] * _std[j] + _mean[j]) * gain;
                if (rotate)
                    foreach (var k in _triplets)
                    {
                        float x = row[k[0]], y = row[k[1]], z = row[k[2]];
                        row[k[0]] = _rotation[0] * x + _rotation[1] * y + _rotation[2] * z;
                        row[k[1]] = _rotation[3] * x + _rotation[4] * y + _rotation[5] * z;
                        row[k[2]] = _rotation[6] * x + _rotation[7] * y + _rotation[8] * z;
                    }
                for (int j = 0; j < channels; j++) row[j] = (row[j] - _mean[j]) * _invStd[j];
            }
        }
        if (_o.Noise > 0)
            for (int i = 0; i < steps * channels; i++) window[i] += (float)(_o.Noise * Gaussian());
    }

    /// <summary>Rotation by a uniform angle in [0, max] about a uniformly random axis (Rodrigues' formula).</summary>
    private void RandomRotation(double max)
    {
        double ax = Gaussian(), ay = Gaussian(), az = Gaussian();
        double n = Math.Sqrt(ax * ax + ay * ay + az * az);
        if (n < 1e-12) { ax = 1; ay = az = 0; n = 1; }
        ax /= n; ay /= n; az /= n;
        double angle = max * _random.NextDouble();
        double c = Math.Cos(angle), s = Math.Sin(angle), v = 1 - c;
        _rotation[0] = (float)(c + ax * ax * v); _rotation[1] = (float)(ax * ay * v - az * s); _rotation[2] = (float)(ax * az * v + ay * s);
        _rotation[3] = (float)(ay * ax * v + az * s); _rotation[4] = (float)(c + ay * ay * v); _rotation[5] = (float)(ay * az * v - ax * s);
        _rotation[6] = (float)(az * ax * v - ay * s); _rotation[7] = (float)(az * ay * v + ax * s); _rotation[8] = (float)(c + az * az * v);
    }

    /// <summary>Standard normal by Box-Muller (one of the pair; simple and deterministic).</summary>
    private double Gaussian()
    {
        double u = 1 - _random.NextDouble(), v = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>Channel indices of x/y/z triplets: names that differ only in a final x, y, z (acc_x, acc_y, acc_z).</summary>
    internal static int[][] Triplets(IReadOnlyList<string> channels)
    {
        var result = new List<int[]>();
        for (int i = 0; i < channels.Count; i++)
        {
            string name = channels[i];
            if (name.Length < 2 || char.ToLowerInvariant(name[^1]) != 'x') continue;
            string stem = name[..^1];
            int y = IndexOf(channels, stem, 'y'), z = IndexOf(channels, stem, 'z');
            if (y >= 0 && z >= 0) result.Add([i, y, z]);
        }
        return [.. result];
    }

    private static int IndexOf(IReadOnlyList<string> channels, string stem, char axis)
    {
        for (int j = 0; j < channels.Count; j++)
            if (channels[j].Length == stem.Length + 1 && channels[j].StartsWith(stem, StringComparison.OrdinalIgnoreCase)
                && char.ToLowerInvariant(channels[j][^1]) == axis) return j;
        return -1;
    }
}
