using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLstm.Daemon.Decoding;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `edgelstm record` as a real process against real peers: a TCP sensor node on loopback sending
/// the firmware's binary frames of a real recording excerpt (raw counts, garbage between frames),
/// a real pseudo-terminal (socat) for live key labelling, standard input, real signals.
/// </summary>
public class RecordCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private static string TempDir() => Directory.CreateTempSubdirectory("edgelstm-record").FullName;

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "edgelstm.dll");

    /// <summary>The shipped firmware configuration (its channel scales), its source moved to a TCP port, the test model, one line per sample.</summary>
    private static string TcpConfig(string dir, int port)
    {
        var config = JsonNode.Parse(File.ReadAllText(ImuFixtures.FirmwareConfigPath), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        })!.AsObject();
        config["models"]!["default"]!["path"] = ImuFixtures.ModelPath;
        var source = config["sources"]![0]!.AsObject();
        source["type"] = "tcp";
        source["format"] = "binary";
        source["port"] = port;
        source.Remove("path");
        source.Remove("baud");
        config["streams"]![0]!["events"] = new JsonObject { ["emit"] = "hop", ["hop"] = 1 };
        config["pipeline"] = new JsonObject { ["inputFullMode"] = "wait" };
        string path = Path.Combine(dir, $"tcp-{port}.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    /// <summary>The firmware's wire stream: one int16 frame per sample (stream id 1, sequence, timestamps), a burst of garbage every 97 frames.</summary>
    private static byte[] FirmwareStream(short[][] counts)
    {
        var random = new Random(7);
        using var bytes = new MemoryStream();
        var frame = new byte[BinaryFrame.MaxSize];
        for (int i = 0; i < counts.Length; i++)
        {
            var values = counts[i].Select(v => (float)v).ToArray();
            int n = BinaryFrame.Write(frame, SampleFormat.Int16, 1, (uint)i, 1 + (ulong)i * 20_000, 20_000, 6, values);
            bytes.Write(frame, 0, n);
            if (i % 97 == 50)
            {
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                for (int g = 0; g < garbage.Length; g++) if (garbage[g] == BinaryFrame.Sync0) garbage[g] = 0;
                bytes.Write(garbage);
            }
        }
        return bytes.ToArray();
    }

    /// <summary>The complete rows written so far (header excluded), read while the recorder may still write.</summary>
    private static string[] Rows(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        string text = new StreamReader(stream).ReadToEnd();
        int end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n').Skip(1).ToArray();
    }

    private static string Label(string row) => row[(row.LastIndexOf(',') + 1)..];

    private static string[] TextLines(int count) =>
        File.ReadLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv")).Skip(1).Take(count)
            .Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();

    [Fact]
    public void Record_then_replay_reproduces_the_classifications_of_the_live_run()
    {
        string dir = TempDir();
        var counts = ImuFixtures.ExcerptCounts.Take(1200).ToArray();
        var wire = FirmwareStream(counts);

        // The live run: `edgelstm run` with the firmware's configuration, the node on TCP.
        int port = TcpPeer.FreePort();
        List<string> live;
        using (var run = new DaemonProcess("run", "--config", TcpConfig(dir, port), "--summary"))
        {
            using (var node = TcpPeer.Connect(port, run, Patience)) node.Send(wire);
            run.WaitUntil(d => DaemonOutput.Decisions(d.StdOut).Count >= counts.Length, Patience, "every sample classified by run");
            run.Signal("TERM");
            Assert.Equal(0, run.WaitForExit(Patience));
            live = DaemonOutput.Decisions(run.StdOut);
            Assert.True(DaemonOutput.Summary(run.StdOut).GetProperty("garbage_bytes").GetInt64() > 0);
        }
        Assert.Equal(counts.Length, live.Count);

        // The same stream recorded, with record's own live classifications.
        port = TcpPeer.FreePort();
        string csv = Path.Combine(dir, "capture.csv");
        using (var record = new DaemonProcess("record", "--config", TcpConfig(dir, port), "-o", csv, "--samples", $"{counts.Length}", "--classify", "--summary"))
        {
            using (var node = TcpPeer.Connect(port, record, Patience)) node.Send(wire);
            Assert.Equal(0, record.WaitForExit(Patience));
            Assert.Equal(live, DaemonOutput.Decisions(record.StdOut));
            var summary = DaemonOutput.Summary(record.StdOut);
            Assert.True(summary.GetProperty("rejected").GetProperty("garbage").GetInt64() > 0, "the garbage was counted and skipped");
            Assert.Equal(0, summary.GetProperty("rejected").GetProperty("bad_checksum").GetInt64());
            Assert.Contains(record.StdErr, l => l.Contains($"recorded {counts.Length} samples", StringComparison.Ordinal));
        }

        // The recording: the model's channels in its units, exactly the float32 inputs run computed from the counts.
        var lines = File.ReadAllLines(csv);
        Assert.Equal("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,label", lines[0]);
        Assert.Equal(counts.Length + 1, lines.Length);
        const float acc = 0.0001220703125f, gyro = 0.00026646248122050834f;
        double previous = 0;
        for (int t = 0; t < counts.Length; t++)
        {
            var fields = lines[t + 1].Split(',');
            var expected = counts[t].Select((v, c) => (v * (c < 3 ? acc : gyro) + 0f).ToString("R", CultureInfo.InvariantCulture));
            Assert.Equal(expected, fields[1..7]);
            double time = double.Parse(fields[0], CultureInfo.InvariantCulture);
            Assert.True(time >= previous && time > 1.7e9, $"row {t}: time {fields[0]} (arrival, Unix seconds, non-decreasing)");
            previous = time;
            Assert.Equal("", fields[7]);
        }

        // Replay of the recording: the live run's classifications.
        var replay = CliProcess.Run("replay", csv, "--model", ImuFixtures.ModelPath, "--max-speed", "--emit", "hop", "--hop", "1");
        Assert.Equal(0, replay.ExitCode);
        Assert.Equal(live, DaemonOutput.Decisions(replay.StdOut.Split('\n')));
    }

    [Fact]
    public void Keys_on_a_real_terminal_mark_labelled_segments_while_stdin_stays_free()
    {
        string dir = TempDir();
        string csv = Path.Combine(dir, "segments.csv");
        int port = TcpPeer.FreePort();
        // socat runs record in a new session whose controlling terminal is a pseudo-terminal; what
        // the test writes to socat is typed on that terminal. record's stderr is socat's.
        string script = Path.Combine(dir, "record.sh");
        File.WriteAllText(script, $"#!/bin/sh\nexec dotnet '{Dll}' record tcp:127.0.0.1:{port} -o '{csv}' --model '{ImuFixtures.ModelPath}' " +
                                  "--labels walk,sit,stand --label idle --samples 400\n");
        var lines = TextLines(400);
        using var terminal = new DaemonProcess("socat", ["STDIO", $"EXEC:sh {script},pty,setsid,ctty"]);
        terminal.WaitUntil(d => d.StdErr.Any(l => l.Contains("live labelling: 1 walk, 2 sit, 3 stand", StringComparison.Ordinal)), Patience, "the key legend");
        using var node = TcpPeer.Connect(port, terminal, Patience);

        void Send(int from, int to)
        {
            node.Send(string.Join("", lines[from..to].Select(l => l + "\n")));
            terminal.WaitUntil(_ => Rows(csv).Length >= to, Patience, $"{to} rows recorded");
        }
        void Press(char key, string acknowledged)
        {
            terminal.StandardInput.Write([(byte)key]);
            terminal.StandardInput.Flush();
            terminal.WaitUntil(d => d.StdErr.Any(l => l.Contains(acknowledged, StringComparison.Ordinal)), Patience, acknowledged);
        }

        Send(0, 100);
        Press('1', "segment 'walk' started");
        Send(100, 200);
        Press('2', "segment 'walk' ended, segment 'sit' started");
        Send(200, 250);
        Press('0', "segment 'sit' ended");
        Send(250, 300);
        Press('3', "segment 'stand' started");
        Press(' ', "segment 'stand' ended");
        Send(300, 400);
        terminal.WaitUntil(d => d.HasExited, Patience, "record to end at 400 samples");

        var labels = Rows(csv).Select(Label).ToArray();
        string[] expected = [.. Enumerable.Repeat("idle", 100), .. Enumerable.Repeat("walk", 100), .. Enumerable.Repeat("sit", 50), .. Enumerable.Repeat("idle", 150)];
        Assert.Equal(expected, labels);
        Assert.Contains(terminal.StdErr, l => l.Contains("recorded 400 samples", StringComparison.Ordinal) && l.Contains("idle 250, sit 50, walk 100", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_terminal_live_labelling_is_off_said_once_and_stdin_is_recorded_whole()
    {
        string dir = TempDir();
        string csv = Path.Combine(dir, "no-tty.csv");
        var lines = TextLines(300);
        // setsid: a new session without a controlling terminal, so /dev/tty cannot be opened.
        using var record = new DaemonProcess("setsid", ["-w", "dotnet", Dll, "record", "-", "-o", csv, "--model", ImuFixtures.ModelPath, "--labels", "walk,sit"]);
        record.StandardInput.Write(Encoding.ASCII.GetBytes(string.Join("", lines.Select(l => l + "\n"))));
        record.StandardInput.Close();
        Assert.Equal(0, record.WaitForExit(Patience));
        Assert.Single(record.StdErr, l => l.Contains("no live labelling", StringComparison.Ordinal));
        var rows = Rows(csv);
        Assert.Equal(300, rows.Length);
        Assert.All(rows, r => Assert.Equal("", Label(r)));
        // Text in model units passes unchanged: shortest round-trip floats of the same values.
        for (int t = 0; t < rows.Length; t++)
            Assert.Equal(lines[t].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)), rows[t].Split(',')[1..7].Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Label_names_the_whole_capture_and_the_sample_limit_ends_it()
    {
        string dir = TempDir();
        string csv = Path.Combine(dir, "walk.csv");
        using var record = new DaemonProcess("record", "stdin", "-o", csv, "--model", ImuFixtures.ModelPath, "--label", "walking", "--samples", "250");
        try
        {
            record.StandardInput.Write(Encoding.ASCII.GetBytes(string.Join("", TextLines(600).Select(l => l + "\n"))));
            record.StandardInput.Flush();
        }
        catch (IOException) { } // record may end (at 250) before all is written
        Assert.Equal(0, record.WaitForExit(Patience));
        var rows = Rows(csv);
        Assert.Equal(250, rows.Length);
        Assert.All(rows, r => Assert.Equal("walking", Label(r)));
    }

    [Fact]
    public void Duration_ends_a_quiet_capture()
    {
        string dir = TempDir();
        string csv = Path.Combine(dir, "quiet.csv");
        using var record = new DaemonProcess("record", $"tcp:127.0.0.1:{TcpPeer.FreePort()}", "-o", csv, "--model", ImuFixtures.ModelPath, "--duration", "1");
        Assert.Equal(0, record.WaitForExit(Patience));
        Assert.Contains(record.StdErr, l => l.Contains("1 s elapsed", StringComparison.Ordinal));
        Assert.Contains(record.StdErr, l => l.Contains("recorded 0 samples", StringComparison.Ordinal));
    }

    [Fact]
    public void Sigterm_mid_capture_keeps_every_accepted_sample()
    {
        string dir = TempDir();
        string csv = Path.Combine(dir, "interrupted.csv");
        int port = TcpPeer.FreePort();
        var lines = TextLines(12000);
        using var record = new DaemonProcess("record", $"tcp:{port}", "-o", csv, "--model", ImuFixtures.ModelPath, "--summary");
        using var node = TcpPeer.Connect(port, record, Patience);
        var sender = new Thread(() =>
        {
            try
            {
                // About 12 s for all of it: the capture is still running when the signal comes.
                for (int i = 0; i < lines.Length; i += 100)
                {
                    node.Send(string.Join("", lines[i..(i + 100)].Select(l => l + "\n")));
                    Thread.Sleep(100);
                }
            }
            catch (System.Net.Sockets.SocketException) { } // the recorder closed the connection at stop
            catch (ObjectDisposedException) { }
        });
        sender.Start();
        record.WaitUntil(_ => Rows(csv).Length >= 1000, Patience, "1000 rows recorded");
        record.Signal("TERM");
        Assert.Equal(0, record.WaitForExit(Patience));
        node.Dispose();
        Assert.True(sender.Join(Patience));

        var summary = DaemonOutput.Summary(record.StdOut);
        var rows = Rows(csv);
        Assert.True(rows.Length >= 1000 && rows.Length < lines.Length, $"{rows.Length} rows");
        Assert.Equal(summary.GetProperty("samples_accepted").GetInt64(), rows.Length);
        Assert.Equal(summary.GetProperty("samples_decoded").GetInt64(), rows.Length + summary.GetProperty("dropped").GetProperty("at_stop").GetInt64());
        Assert.Equal(File.ReadAllText(csv).Length, File.ReadAllText(csv).LastIndexOf('\n') + 1); // no partial last row
        for (int t = 0; t < rows.Length; t++)
            Assert.Equal(lines[t].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)), rows[t].Split(',')[1..7].Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("give SOURCE", "-o", "{dir}/a.csv")]
    [InlineData("not one of", "ftp:21", "-o", "{dir}/a.csv")]
    [InlineData("not a port number", "tcp:http", "-o", "{dir}/a.csv")]
    [InlineData("--samples must be at least 1", "-", "-o", "{dir}/a.csv", "--samples", "0")]
    [InlineData("--duration must be a positive", "-", "-o", "{dir}/a.csv", "--duration", "-3")]
    [InlineData("1 to 9 comma-separated names", "-", "-o", "{dir}/a.csv", "--labels", "a,b,c,d,e,f,g,h,i,j")]
    [InlineData("without commas", "-", "-o", "{dir}/a.csv", "--label", "a\"b")]
    [InlineData("printable ASCII", "-", "-o", "{dir}/a.csv", "--label", "gehen\u00fc")]
    [InlineData("pass --force", "-", "-o", "{dir}/exists.csv")]
    [InlineData("SOURCE or --config, not both", "-", "-o", "{dir}/a.csv", "--config", "{dir}/c.json")]
    [InlineData("has 2 sources", "-o", "{dir}/a.csv", "--config", "{dir}/c.json")]
    [InlineData("no source named 'x'", "-o", "{dir}/a.csv", "--config", "{dir}/c.json", "--source", "x")]
    [InlineData("record captures live sources", "-o", "{dir}/a.csv", "--config", "{dir}/c.json", "--source", "f")]
    [InlineData("Option '--output' is required", "-")]
    public void Bad_arguments_give_one_line_and_exit_2(string expected, params string[] args)
    {
        string dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "exists.csv"), "keep me\n");
        File.WriteAllText(Path.Combine(dir, "c.json"), $$"""
            {
              "models": { "default": { "path": "{{ImuFixtures.ModelPath}}" } },
              "sources": [ { "name": "in", "type": "stdin" }, { "name": "f", "type": "file", "path": "{{Path.Combine(dir, "exists.csv")}}" } ]
            }
            """);
        var r = CliProcess.Run(["record", .. args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal))]);
        Assert.Equal(2, r.ExitCode);
        var err = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(err);
        Assert.Contains(expected, err[0], StringComparison.Ordinal);
        Assert.Equal("keep me\n", File.ReadAllText(Path.Combine(dir, "exists.csv")));
        Assert.False(File.Exists(Path.Combine(dir, "a.csv")), "nothing is created on bad arguments");
    }
}
