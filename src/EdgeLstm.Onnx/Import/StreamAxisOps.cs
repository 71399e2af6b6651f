using EdgeLstm.Core.Model;

namespace EdgeLstm.Onnx.Import;

/// <summary>
/// The rearrangements exporters put between recurrent nodes and the head (Transpose, Squeeze,
/// Unsqueeze, Reshape, Flatten, Gather and Slice of the last step), applied to the axis roles of a
/// stream value. None of them changes what a step computes; each either keeps the roles'
/// memory order or is rejected.
/// </summary>
internal static class StreamAxisOps
{
    /// <summary>Slice ends at or above this mean "to the end" (exporters write INT64_MAX or INT32_MAX).</summary>
    private const long ToTheEnd = int.MaxValue;

    public static StreamValue Transpose(StreamValue v, long[]? perm, string where)
    {
        perm ??= Enumerable.Range(0, v.Rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != v.Rank || perm.Distinct().Count() != v.Rank || perm.Any(p => p < 0 || p >= v.Rank))
            throw new ModelException($"{where}: perm [{string.Join(", ", perm)}] does not fit {v.Describe}");
        return v with { Axes = perm.Select(p => v.Axes[p]).ToArray() };
    }

    public static StreamValue Squeeze(StreamValue v, long[]? axes, string where)
    {
        var keep = v.Axes.ToList();
        if (axes is null || axes.Length == 0)
        {
            keep.RemoveAll(a => a.Kind == AxisKind.Unit);
            return v with { Axes = [.. keep] };
        }
        var remove = Normalize(axes, v.Rank, where).ToHashSet();
        bool openRemoved = false;
        foreach (int i in remove)
        {
            var kind = v.Axes[i].Kind;
            if (kind == AxisKind.Open) openRemoved = true; // squeezing one of the input's leading axes makes it the batch axis
            else if (kind != AxisKind.Unit) throw new ModelException($"{where}: squeezes axis {i}, the {v.Axes[i]} axis of {v.Describe}");
        }
        var result = v.Axes.Where((_, i) => !remove.Contains(i)).ToArray();
        if (openRemoved) result = result.Select(a => a.Kind == AxisKind.Open ? a with { Kind = AxisKind.Time } : a).ToArray();
        return v with { Axes = result };
    }

    public static StreamValue Unsqueeze(StreamValue v, long[] axes, string where)
    {
        int rank = v.Rank + axes.Length;
        var positions = Normalize(axes, rank, where).Order().ToArray();
        var result = new List<Axis>(v.Axes);
        foreach (int p in positions) result.Insert(p, Axis.Unit);
        return v with { Axes = [.. result] };
    }

    /// <summary>Reshape to a constant shape (0 copies the input's dimension, -1 takes the rest).</summary>
    public static StreamValue Reshape(StreamValue v, long[] shape, string where)
    {
        var result = new Axis[shape.Length];
        var placed = new List<Axis>();
        int rest = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            long n = shape[i];
            if (n == 0 && i < v.Rank) result[i] = v.Axes[i];
            else if (n == 1) result[i] = Axis.Unit;
            else if (n == -1 && rest < 0) { rest = i; continue; }
            else if (n == v.Features && v.FeatureAxis >= 0) result[i] = v.Axes[v.FeatureAxis];
            else throw new ModelException($"{where}: cannot reshape {v.Describe} to [{string.Join(", ", shape)}]");
            if (result[i].IsSignificant) placed.Add(result[i]);
        }
        var significant = v.Axes.Where(a => a.IsSignificant).ToList();
        var missing = significant.Where(a => !placed.Contains(a)).ToList();
        if (rest >= 0)
        {
            if (missing.Count > 1) throw new ModelException($"{where}: reshape to [{string.Join(", ", shape)}] merges the {string.Join(" and ", missing)} axes of {v.Describe}");
            result[rest] = missing.Count == 1 ? missing[0] : Axis.Unit;
        }
        else if (missing.Count > 0)
        {
            throw new ModelException($"{where}: reshape to [{string.Join(", ", shape)}] loses the {missing[0]} axis of {v.Describe}");
        }
        if (!result.Where(a => a.IsSignificant).SequenceEqual(significant))
            throw new ModelException($"{where}: reshape to [{string.Join(", ", shape)}] reorders the axes of {v.Describe} (a transpose in disguise)");
        return v with { Axes = result };
    }

    public static StreamValue Flatten(StreamValue v, long axis, string where)
    {
        int split = axis < 0 ? (int)axis + v.Rank : (int)axis;
        if (split < 0 || split > v.Rank) throw new ModelException($"{where}: axis {axis} does not fit {v.Describe}");
        Axis Group(IEnumerable<Axis> axes)
        {
            var significant = axes.Where(a => a.IsSignificant).ToList();
            if (significant.Count > 1) throw new ModelException($"{where}: flattening merges the {string.Join(" and ", significant)} axes of {v.Describe}");
            return significant.Count == 1 ? significant[0] : Axis.Unit;
        }
        return v with { Axes = [Group(v.Axes.Take(split)), Group(v.Axes.Skip(split))] };
    }

    /// <summary>Gather of one index: the last step along the time axis, or the only entry along a unit axis.</summary>
    public static StreamValue Gather(StreamValue v, OnnxTensor indices, long axis, string where)
    {
        int a = Normalize([axis], v.Rank, where)[0];
        var index = indices.AsInts("Gather indices");
        if (index.Length != 1 || indices.Rank > 1) throw new ModelException($"{where}: gathers {index.Length} entries; only one step (the last) can be selected");
        bool keepAxis = indices.Rank == 1;
        var kind = v.Axes[a].Kind;
        bool isLast = index[0] == -1;
        bool lastStep = v.LastStep;
        if (kind == AxisKind.Time)
        {
            if (!isLast) throw new ModelException($"{where}: selects step {index[0]} of the time axis; only the last step (-1) is streamable");
            lastStep = true;
        }
        else if (kind != AxisKind.Unit || index[0] is not (0 or -1))
        {
            throw new ModelException($"{where}: selects entry {index[0]} of the {v.Axes[a]} axis of {v.Describe}");
        }
        var axes = v.Axes.ToList();
        if (keepAxis) axes[a] = Axis.Unit;
        else axes.RemoveAt(a);
        return v with { Axes = [.. axes], LastStep = lastStep };
    }

    /// <summary>Slice: the last step of the time axis ([-1:]), or the whole of a unit axis.</summary>
    public static StreamValue Slice(StreamValue v, long[] starts, long[] ends, long[]? axes, long[]? steps, string where)
    {
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || (steps is not null && steps.Length != starts.Length))
            throw new ModelException($"{where}: starts, ends, axes and steps differ in length");
        var result = v.Axes.ToArray();
        bool lastStep = v.LastStep;
        var normalized = Normalize(axes, v.Rank, where);
        for (int i = 0; i < starts.Length; i++)
        {
            int a = normalized[i];
            long step = steps?[i] ?? 1;
            var kind = v.Axes[a].Kind;
            if (step == 1 && kind == AxisKind.Time && starts[i] == -1 && ends[i] >= ToTheEnd)
            {
                result[a] = Axis.Unit;
                lastStep = true;
            }
            else if (step == 1 && kind == AxisKind.Unit && starts[i] is 0 or -1 && ends[i] >= 1)
            {
                // the whole of a size-1 axis: nothing changes
            }
            else
            {
                throw new ModelException($"{where}: slice [{starts[i]}:{ends[i]}:{step}] of the {v.Axes[a]} axis of {v.Describe}; only the last step of the time axis ([-1:]) is streamable");
            }
        }
        return v with { Axes = result, LastStep = lastStep };
    }

    public static int[] Normalize(long[] axes, int rank, string where) => axes.Select(a =>
    {
        long n = a < 0 ? a + rank : a;
        if (n < 0 || n >= rank) throw new ModelException($"{where}: axis {a} is out of range for rank {rank}");
        return (int)n;
    }).ToArray();
}
