using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EdgeLstm.Tests.Shared;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// Issue 15's acceptance: docs/quickstart.md runs as written. Its commands are read from the
/// document (the shell block after each `&lt;!-- quickstart: NAME --&gt;` mark) and run in order
/// against the .deb's files installed into a temporary root, with what a test cannot have
/// replaced by its own: the device (a socat pty fed like an Arduino sketch, boot banner first),
/// /etc/edgelstm (the root's), the broker (a mosquitto on 127.0.0.1 and a free port) and sudo
/// (dropped). Live labels are typed on a real terminal (socat, as a person at the keyboard).
/// </summary>
public partial class QuickstartWalkthroughTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly string Recording = Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");

    // Segments of the shipped recording (first and last row, inclusive) standing in for what a person does.
    private static readonly (string Label, int First, int Last)[] FirstSession = [("walking", 8433, 9500), ("sitting", 1685, 2626), ("laying", 4322, 5138)];
    private static readonly (string Label, int First, int Last)[] SecondSession = [("walking", 9853, 10925), ("sitting", 5417, 6189), ("laying", 6415, 7366)];

    [GeneratedRegex(@"<!-- quickstart: ([^>]+?) -->\s*```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Step();

    private static Dictionary<string, string> Steps() =>
        Step().Matches(File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "docs", "quickstart.md")))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());

    private static string Version =>
        Regex.Match(File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    [Fact]
    public async Task The_quickstart_runs_as_written_from_the_package_to_home_assistant()
    {
        var steps = Steps();
        Assert.Equal(["install", "check", "classify", "record-train", "record-test", "train", "eval", "replay", "configure", "watch", "serve",
                      "not run by the test (needs systemd as PID 1)"], steps.Keys);
        var rows = File.ReadLines(Recording).Skip(1).Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();

        string work = Directory.CreateTempSubdirectory("edgelstm-quickstart").FullName;
        _root = Path.Combine(work, "root");
        _home = Path.Combine(work, "home");
        Directory.CreateDirectory(_home);
        _work = work;
        using var broker = _broker = new Daemon.Tests.Mqtt.MosquittoBroker();
        _path = $"{Path.Combine(_root, "usr", "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        string home = _home, root = _root;

        // 1. Install: the document's package is this version's; its files go into the temporary root.
        var install = steps["install"].Split('\n');
        Assert.Equal($"sudo apt install ./edgelstm_{Version}_arm64.deb", install[0]);
        string deb = Path.Combine(CliProcess.RepoRoot, "dist", "packages", $"edgelstm_{Version}_amd64.deb");
        Assert.True(File.Exists(deb), $"{deb} is missing: run ./publish.sh (test.sh does)");
        Assert.Equal(0, ProcessRun.Run("dpkg-deb", ["-x", deb, root]).ExitCode);
        var version = Shell(string.Join('\n', install[1..]));
        Assert.True(version.ExitCode == 0, version.StdErr);
        Assert.StartsWith(Version, version.StdOut.Trim(), StringComparison.Ordinal);

        // The installed configuration passes its own check without its device (a warning).
        var check = Shell(steps["check"]);
        Assert.True(check.ExitCode == 0, $"installed configuration: {check.StdErr}");
        Assert.Contains("OK", check.StdOut, StringComparison.Ordinal);

        // 2. The embedded model classifies the port; the sketch's banner is rejected and said once.
        Plug();
        using (var classify = Start(steps["classify"]))
        {
            classify.WaitUntilOpen(_pty!.DeviceTerminal, Patience);
            using (var feed = _pty.OpenFeed())
            {
                feed.Write(Encoding.ASCII.GetBytes("IMU ready\r\n"));
                PtyPair.WritePaced(feed, rows[..1000], 2000);
            }
            classify.WaitUntil(d => d.StdOut.Any(l => l.StartsWith("{\"stream\":\"ttyUNO\"", StringComparison.Ordinal)), Patience, "a classification");
            classify.WaitUntil(d => d.StdErr.Any(l => l.Contains("rejected \"IMU ready\" (not_a_header)", StringComparison.Ordinal)), Patience, "the banner, logged");
            Assert.Equal(0, classify.Stop());
        }

        // 3. Two sessions recorded with live labels, keys typed on a terminal.
        Record(steps["record-train"], FirstSession, Path.Combine(home, "data", "train", "session1.csv"));
        Record(steps["record-test"], SecondSession, Path.Combine(home, "data", "test", "session2.csv"));

        // 4. Train (the training curve appears), evaluate (the confusion matrix appears), replay.
        var train = Shell(steps["train"]);
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
        Assert.Matches(@"test accuracy: float \d", train.Output);
        Assert.True(File.Exists(Path.Combine(home, "activities.elstm")));
        AssertSvg(Path.Combine(home, "activities.training.svg"));
        var eval = Shell(steps["eval"]);
        Assert.True(eval.ExitCode == 0, eval.StdErr + eval.StdOut);
        Assert.Contains("confusion matrix", eval.StdOut, StringComparison.Ordinal);
        AssertSvg(Path.Combine(home, "activities.confusion.svg"));
        var replay = Shell(steps["replay"]);
        Assert.True(replay.ExitCode == 0, replay.StdErr);
        int tested = SecondSession.Sum(s => s.Last - s.First + 1);
        var summary = JsonDocument.Parse(replay.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal(tested, summary.GetProperty("samples_classified").GetInt64());

        // 5. The service's configuration, checked; the broker watched; the classifications and
        //    Home Assistant's discovery read back from it, each configuration before any state.
        var configure = Shell(steps["configure"]);
        Assert.True(configure.ExitCode == 0, configure.StdErr);
        using var watch = Start(steps["watch"]);
        await Task.Delay(500); // mosquitto_sub subscribed (it prints nothing until a message)
        Plug();
        using (var serve = Start(steps["serve"]))
        {
            serve.WaitUntilOpen(_pty!.DeviceTerminal, Patience);
            using (var feed = _pty.OpenFeed())
            {
                feed.Write(Encoding.ASCII.GetBytes("IMU ready\r\n"));
                PtyPair.WritePaced(feed, rows[SecondSession[0].First..(SecondSession[0].Last + 1)], 2000);
            }
            watch.WaitUntil(d => d.StdOut.Any(l => l.StartsWith("edgelstm/pi-lab/imu {", StringComparison.Ordinal)), Patience, $"a state on the broker; service: {serve.ErrorText}");
            Assert.Equal(0, serve.Stop());
        }
        var seen = watch.StdOut;
        int firstState = Array.FindIndex(seen, l => l.StartsWith("edgelstm/pi-lab/imu {", StringComparison.Ordinal));
        foreach (string topic in new[] { "homeassistant/sensor/edgelstm_pi-lab/imu/config", "homeassistant/sensor/edgelstm_pi-lab/imu_confidence/config",
                                         "homeassistant/event/edgelstm_pi-lab/imu/config" })
        {
            int at = Array.FindIndex(seen, l => l.StartsWith(topic + " ", StringComparison.Ordinal));
            Assert.True(at >= 0 && at < firstState, $"{topic} before the first state: {string.Join('\n', seen.Take(10))}");
        }
        var activity = JsonDocument.Parse(seen.First(l => l.StartsWith("homeassistant/sensor/edgelstm_pi-lab/imu/config ", StringComparison.Ordinal)).Split(' ', 2)[1]).RootElement;
        Assert.Equal("enum", activity.GetProperty("device_class").GetString());
        Assert.Equal(["laying", "sitting", "walking"], activity.GetProperty("options").EnumerateArray().Select(o => o.GetString()!).Order());
        Assert.Contains(seen, l => l == "edgelstm/pi-lab/status online");
    }

    private string _root = "", _home = "", _path = "";
    private string _work = "";
    private PtyPair? _pty;

    /// <summary>The Arduino plugged in (again): a new pty at the same path, nothing left over from the last step.</summary>
    private void Plug()
    {
        _pty?.Dispose();
        _pty = PtyPair.In(_work);
    }

    public void Dispose() => _pty?.Dispose();
    private Daemon.Tests.Mqtt.MosquittoBroker? _broker;

    private string Device => Path.Combine(_work, "ttyUNO");

    /// <summary>A command of the document as it runs here: this test's device, root and broker; no sudo.</summary>
    private string Local(string command) => command
        .Replace("sudo ", "", StringComparison.Ordinal)
        .Replace("/etc/edgelstm", Path.Combine(_root, "etc", "edgelstm"), StringComparison.Ordinal)
        .Replace("\"/dev/ttyACM0\"", $"\"{Device}\"", StringComparison.Ordinal) // in a configuration
        .Replace("/dev/ttyACM0", $"serial:{Device}", StringComparison.Ordinal)    // a SOURCE: the pty is not under /dev
        .Replace("1883", _broker!.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Runs commands to completion in the user's directory, the installed edgelstm first on PATH.</summary>
    private ProcessResult Shell(string commands) =>
        ProcessRun.Run("bash", ["-euo", "pipefail", "-c", Local(commands)], new Dictionary<string, string> { ["PATH"] = _path }, _home);

    /// <summary>Starts one long-running command (exec: signals reach it, not a shell).</summary>
    private DaemonProcess Start(string command) =>
        new("env", ["--default-signal=INT", $"PATH={_path}", "bash", "-c", $"cd '{_home}' && exec {Local(command)}"]);

    /// <summary>
    /// Runs a record step on a terminal (socat: a new session whose controlling terminal is a
    /// pty; what the test writes to socat is typed there), feeds each segment's rows after the
    /// key of its label and 0 after it, then Ctrl-C; the file then holds exactly those labels.
    /// </summary>
    private void Record(string step, (string Label, int First, int Last)[] segments, string csv)
    {
        var lines = step.Split('\n');
        Plug();
        var setup = Shell(string.Join('\n', lines[..^1]));
        Assert.True(setup.ExitCode == 0, setup.StdErr);
        string script = Path.Combine(_home, "..", $"{Path.GetFileNameWithoutExtension(csv)}.sh");
        File.WriteAllText(script, $"#!/bin/sh\ncd '{_home}'\nPATH='{_path}'\nexport PATH\nexec {Local(lines[^1])}\n");
        var rows = File.ReadLines(Recording).Skip(1).Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();
        using var terminal = new DaemonProcess("socat", ["STDIO", $"EXEC:sh {script},pty,setsid,ctty"]);
        terminal.WaitUntil(d => d.StdErr.Any(l => l.Contains("live labelling: 1 walking, 2 sitting, 3 laying", StringComparison.Ordinal)), Patience, "the key legend");
        terminal.WaitUntil(_ => Opened(_pty!.DeviceTerminal), Patience, "the device opened by record");

        void Press(char key, string acknowledged)
        {
            terminal.StandardInput.Write([(byte)key]);
            terminal.StandardInput.Flush();
            terminal.WaitUntil(d => d.StdErr.Any(l => l.Contains(acknowledged, StringComparison.Ordinal)), Patience, acknowledged);
        }
        int sent = 0;
        using (var feed = _pty!.OpenFeed())
        {
            feed.Write(Encoding.ASCII.GetBytes("IMU ready\r\n"));
            foreach (var (label, first, last) in segments)
            {
                Press((char)('1' + Array.IndexOf(["walking", "sitting", "laying"], label)), $"segment '{label}' started");
                PtyPair.WritePaced(feed, rows[first..(last + 1)], 2000);
                sent += last - first + 1;
                terminal.WaitUntil(_ => Rows(csv).Length >= sent, Patience, $"{sent} rows recorded");
                Press('0', $"segment '{label}' ended");
            }
        }
        terminal.StandardInput.Write([(byte)3]); // Ctrl-C: SIGINT from the terminal
        terminal.StandardInput.Flush();
        terminal.WaitUntil(d => d.HasExited, Patience, "record to end at Ctrl-C");
        Assert.True(terminal.StdErr.Any(l => l.Contains($"recorded {sent} samples", StringComparison.Ordinal)), terminal.ErrorText);
        string[] expected = [.. segments.SelectMany(s => Enumerable.Repeat(s.Label, s.Last - s.First + 1))];
        Assert.Equal(expected, Rows(csv).Select(r => r.Split(',')[^1]));
    }

    private static string[] Rows(string csv)
    {
        if (!File.Exists(csv)) return [];
        using var reader = new StreamReader(new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return [.. reader.ReadToEnd().Split('\n').Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    /// <summary>Whether any process holds the terminal open (record runs under socat and sh, so its pid is not at hand).</summary>
    private static bool Opened(string device)
    {
        foreach (var process in new DirectoryInfo("/proc").EnumerateDirectories().Where(d => d.Name.All(char.IsAsciiDigit)))
        {
            try
            {
                if (new DirectoryInfo(Path.Combine(process.FullName, "fd")).EnumerateFileSystemInfos().Any(fd => fd.LinkTarget == device)) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // gone, or not ours
        }
        return false;
    }

    private static void AssertSvg(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var svg = XDocument.Load(path).Root!;
        Assert.Equal("{http://www.w3.org/2000/svg}svg", svg.Name.ToString());
    }
}
