using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace EdgeLstm.Cli.Tests;

/// <summary>`edgelstm partition`: which gateway classifies a name, computed as documented (XXH32 of the UTF-8 name, seed 0, mod count).</summary>
public class PartitionCommandTests
{
    private static int Expected(string name, int count) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(name)) % (uint)count);

    [Fact]
    public void Each_name_is_printed_with_its_partition()
    {
        string[] names = [.. Enumerable.Range(0, 30).Select(i => $"nodes/{i}"), "sensors/node-0001/imu", "Küche"];
        var r = CliProcess.Run(["partition", "--count", "3", .. names]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(names.Select(n => $"{Expected(n, 3)} {n}"), lines);

        var json = CliProcess.Run(["partition", "-n", "7", "--json", .. names]);
        Assert.True(json.ExitCode == 0, json.StdErr);
        var partitions = JsonDocument.Parse(json.StdOut).RootElement.GetProperty("partitions");
        Assert.All(names, n => Assert.Equal(Expected(n, 7), partitions.GetProperty(n).GetInt32()));
    }

    [Fact]
    public void A_count_below_one_is_one_line_and_exit_2()
    {
        var r = CliProcess.Run("partition", "--count", "0", "a");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.Contains("--count", r.StdErr, StringComparison.Ordinal);
    }
}
