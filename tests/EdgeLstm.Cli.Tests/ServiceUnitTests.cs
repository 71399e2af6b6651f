using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// config/edgelstm.service checked by systemd's own tools: `systemd-analyze verify` against a
/// temporary root holding the shipped binary, and `systemd-analyze security --offline=yes`.
/// These machines do not boot systemd, so what the unit means for serial access is checked on
/// its text (docs/operations.md explains each setting).
/// </summary>
public partial class ServiceUnitTests
{
    private static string UnitPath => Path.Combine(CliProcess.RepoRoot, "config", "edgelstm.service");

    [Fact]
    public void Unit_verifies_with_the_binary_in_place_and_fails_without_it()
    {
        string root = Directory.CreateTempSubdirectory("edgelstm-unit-root").FullName;
        string units = Path.Combine(root, "lib/systemd/system");
        Directory.CreateDirectory(units);
        Directory.CreateDirectory(Path.Combine(root, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        // The targets the unit orders itself against come from the host's systemd.
        foreach (var target in Directory.EnumerateFiles("/lib/systemd/system", "*.target"))
            File.Copy(target, Path.Combine(units, Path.GetFileName(target)));
        File.Copy(UnitPath, Path.Combine(units, "edgelstm.service"));
        File.Copy("/bin/kill", Path.Combine(root, "bin/kill"));

        var missing = Verify(root);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("/usr/bin/edgelstm", missing.StdErr);

        string binary = Path.Combine(root, "usr/bin/edgelstm");
        File.Copy(Path.Combine(CliProcess.RepoRoot, "dist/linux-x64/edgelstm"), binary);
        var ok = Verify(root);
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.Equal("", ok.StdErr.Trim()); // unknown settings only warn: there must be none
    }

    [Fact]
    public void Unit_exposure_score_is_at_most_two()
    {
        var result = CliProcess.RunExecutable("systemd-analyze", ["security", "--offline=yes", "--no-pager", UnitPath]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var match = ExposureLine().Match(result.StdOut);
        Assert.True(match.Success, result.StdOut);
        double score = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(score <= 2.0, $"exposure {score} > 2.0:\n{result.StdOut}");
    }

    [Fact]
    public void Unit_keeps_serial_adapters_reachable_and_everything_else_closed()
    {
        var settings = File.ReadAllLines(UnitPath)
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => (Key: l[..l.IndexOf('=', StringComparison.Ordinal)], Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .ToList();
        string One(string key) => Assert.Single(settings, s => s.Key == key).Value;
        IEnumerable<string> All(string key) => settings.Where(s => s.Key == key).Select(s => s.Value);

        Assert.Equal("notify", One("Type"));
        Assert.Equal("on-failure", One("Restart"));
        Assert.NotEmpty(One("WatchdogSec"));
        Assert.Equal("yes", One("DynamicUser"));
        Assert.Contains("dialout", One("SupplementaryGroups").Split(' '));
        Assert.Equal("closed", One("DevicePolicy"));
        Assert.Contains("char-ttyUSB rw", All("DeviceAllow"));
        Assert.Contains("char-ttyACM rw", All("DeviceAllow"));
        // PrivateDevices= would hide /dev/ttyUSB*; PrivateUsers= would unmap the dialout group.
        Assert.DoesNotContain(settings, s => s.Key == "PrivateDevices" && s.Value == "yes");
        Assert.Equal("no", One("PrivateUsers"));
        Assert.Equal("strict", One("ProtectSystem"));
        Assert.Equal("yes", One("NoNewPrivileges"));
        Assert.Equal("yes", One("MemoryDenyWriteExecute"));
        Assert.Contains("AF_INET", One("RestrictAddressFamilies").Split(' '));
        Assert.Contains("@system-service", All("SystemCallFilter"));
    }

    /// <summary>
    /// MemoryDenyWriteExecute= kills a process that maps memory writable and executable or makes
    /// memory executable later. NativeAOT code is compiled ahead of time; prove the binary never
    /// asks for either while it loads a model and runs the engine.
    /// </summary>
    [Fact]
    public void Shipped_binary_never_maps_writable_executable_memory()
    {
        string trace = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-strace").FullName, "trace.txt");
        var result = CliProcess.RunExecutable("strace",
            ["-f", "-e", "trace=mmap,mprotect,pkey_mprotect", "-o", trace,
             Path.Combine(CliProcess.RepoRoot, "dist/linux-x64/edgelstm"), "infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var calls = File.ReadAllLines(trace);
        Assert.Contains(calls, l => l.Contains("mmap(", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, l => l.Contains("PROT_WRITE|PROT_EXEC", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, l => l.Contains("mprotect(", StringComparison.Ordinal) && l.Contains("PROT_EXEC", StringComparison.Ordinal));
    }

    private static ProcessResult Verify(string root) =>
        CliProcess.RunExecutable("systemd-analyze", ["verify", "--man=no", $"--root={root}", "edgelstm.service"]);

    [GeneratedRegex(@"Overall exposure level for \S+: ([0-9.]+)")]
    private static partial Regex ExposureLine();
}
