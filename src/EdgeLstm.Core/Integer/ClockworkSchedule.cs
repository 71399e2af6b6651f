using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// Which modules of a Clockwork layer run at each step (module m at step t when t mod T_m = 0,
/// <see cref="ClockworkCost.Runs"/>), fastest first. The pattern repeats every lcm(T) steps, so
/// when that cycle is short (periods 1, 2, 4, ..., 128: 128 steps) the lists of due modules are
/// derived once at load, one flat array indexed by the step's phase in the cycle, and a step
/// costs one lookup instead of a division per module. Longer cycles (periods with a large least
/// common multiple) fall back to testing every module's period at each step. Nothing is assumed
/// about the periods beyond what validation guarantees (positive, strictly increasing).
/// </summary>
internal sealed class ClockworkSchedule
{
    /// <summary>The longest cycle tabulated, and the most module entries its lists may hold in all.</summary>
    public const int MaxCycle = 4096, MaxEntries = 64 * 1024;

    private readonly int[] _periods;
    private readonly int[] _start = [], _due = []; // phase p's modules: _due[_start[p] .. _start[p + 1])
    private readonly int[] _scratch;                 // the fallback's list of this step
    private readonly int _cycle;                     // 0: no table, test every period
    private int _phase;
    private long _step;

    public ClockworkSchedule(IReadOnlyList<int> periods)
    {
        _periods = [.. periods];
        _scratch = new int[_periods.Length];
        long cycle = 1;
        foreach (int p in _periods)
        {
            cycle = cycle / Gcd(cycle, p) * p;
            if (cycle > MaxCycle) return;
        }
        long entries = 0;
        foreach (int p in _periods) entries += cycle / p;
        if (entries > MaxEntries) return;
        _cycle = (int)cycle;
        _start = new int[_cycle + 1];
        _due = new int[entries];
        int n = 0;
        for (int phase = 0; phase < _cycle; phase++)
        {
            _start[phase] = n;
            for (int m = 0; m < _periods.Length; m++)
                if (ClockworkCost.Runs(phase, _periods[m])) _due[n++] = m;
        }
        _start[_cycle] = n;
    }

    /// <summary>Whether the lists are tabulated (false: the per-module fallback runs).</summary>
    public bool Tabulated => _cycle > 0;

    /// <summary>The modules due at this step, fastest first; advances the clock.</summary>
    public ReadOnlySpan<int> Next()
    {
        if (_cycle > 0)
        {
            // In range by construction (0 <= _phase < _cycle, _start ascending within _due): no checks per step.
            ref int start = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_start), _phase);
            var due = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_due), start),
                Unsafe.Add(ref start, 1) - start);
            if (++_phase == _cycle) _phase = 0;
            return due;
        }
        int count = 0;
        for (int m = 0; m < _periods.Length; m++)
            if (ClockworkCost.Runs(_step, _periods[m])) _scratch[count++] = m;
        _step++;
        return new ReadOnlySpan<int>(_scratch, 0, count);
    }

    /// <summary>Back to step 0, where every module is due.</summary>
    public void Reset()
    {
        _phase = 0;
        _step = 0;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
