namespace EdgeLstm.Core.Model;

/// <summary>
/// The cost model of a Clockwork RNN layer (Koutník et al. 2014, section 3): module i (k units,
/// period T_i, fastest first) costs k * (I + units of modules i..g-1) multiply-accumulates on
/// the steps it runs, one step in T_i. With periods 1, 2, 4, ... the average falls towards the
/// first module's cost as modules are added: the reason to use the cell.
/// </summary>
public static class ClockworkCost
{
    public static long ModuleMacs(int inputSize, int hiddenSize, int modules, int i)
    {
        int k = hiddenSize / modules;
        return (long)k * (inputSize + hiddenSize - i * k);
    }

    public static long PeakMacs(int inputSize, int hiddenSize, IReadOnlyList<int> periods)
    {
        long sum = 0;
        for (int i = 0; i < periods.Count; i++) sum += ModuleMacs(inputSize, hiddenSize, periods.Count, i);
        return sum;
    }

    public static double AverageMacs(int inputSize, int hiddenSize, IReadOnlyList<int> periods)
    {
        double sum = 0;
        for (int i = 0; i < periods.Count; i++) sum += (double)ModuleMacs(inputSize, hiddenSize, periods.Count, i) / periods[i];
        return sum;
    }

    /// <summary>
    /// The default periods 1, 2, 4, ...: as many equal modules of at least 8 units as divide the
    /// layer, at most 8 (a period of 128 steps is 2.5 s at 50 Hz).
    /// </summary>
    public static int[] DefaultPeriods(int hiddenSize)
    {
        int modules = Math.Clamp(hiddenSize / 8, 1, 8);
        while (hiddenSize % modules != 0) modules--;
        return Enumerable.Range(0, modules).Select(i => 1 << i).ToArray();
    }

    /// <summary>Module i runs at step t (0 = the first step after a reset).</summary>
    public static bool Runs(long step, int period) => step % period == 0;
}
