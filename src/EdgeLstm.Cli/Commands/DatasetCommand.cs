using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm dataset`: the converter that makes the compact HAPT copy in datasets/hapt
/// (`convert-hapt`) and writes recordings in the one recording format (`export`).
/// </summary>
public static class DatasetCommand
{
    public static Command Create() => new("dataset", "Convert and export datasets (the compact HAPT copy, recordings in the CSV format)")
    {
        ConvertHapt(),
        Export(),
    };

    private static Command ConvertHapt()
    {
        var source = new Argument<DirectoryInfo>("SRC") { Description = "The HAPT raw recordings (a directory with RawData/ and activity_labels.txt)" };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory to write hapt.elds into (datasets/hapt)", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("convert-hapt", "Build the compact copy of HAPT (int16 per channel, per-channel scale, gzip, CRC-32) and measure its quantization error")
        {
            source, output, json,
        };
        command.SetAction(p => CommandGuard.Run(() => RunConvert(p.GetValue(source)!, p.GetValue(output)!, p.GetValue(json))));
        return command;
    }

    private static int RunConvert(DirectoryInfo source, DirectoryInfo output, bool json)
    {
        var experiments = HaptRaw.Experiments(source.FullName);
        var raw = HaptRaw.Read(source.FullName, experiments);
        var dataset = new Dataset(HaptDataset.Name, raw.Channels, raw.ClassNames, raw.SampleRateHz, raw.Recordings) { Units = raw.Units };
        Directory.CreateDirectory(output.FullName);
        string path = Path.Combine(output.FullName, HaptDataset.FileName);
        CompactDatasetFile.Save(dataset, path);

        // The error that matters is against the text of the source files, not against float32.
        var copy = CompactDatasetFile.Load(path);
        var error = new QuantizationError(dataset.ChannelCount);
        for (int i = 0; i < experiments.Count; i++)
        {
            var (text, _) = HaptRaw.ReadText(experiments[i]);
            if (!copy.Recordings[i].Labels.AsSpan().SequenceEqual(dataset.Recordings[i].Labels))
                throw new InvalidOperationException($"{experiments[i].Name}: labels did not survive the round trip");
            error.Add(text, copy.Recordings[i].Samples);
        }
        long bytes = new FileInfo(path).Length;
        long samples = dataset.Recordings.Sum(r => (long)r.Length);
        var scales = CompactDatasetFile.Scales(dataset);
        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("file", path);
                w.WriteNumber("bytes", bytes);
                w.WriteNumber("recordings", dataset.Recordings.Count);
                w.WriteNumber("samples", samples);
                w.WriteStartArray("channels");
                for (int c = 0; c < dataset.ChannelCount; c++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", dataset.Channels[c]);
                    w.WriteString("unit", dataset.Units[c]);
                    w.WriteNumber("scale", scales[c]);
                    w.WriteNumber("maxAbsError", error.MaxAbs[c]);
                    w.WriteNumber("rmsError", error.Rms(c));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine($"wrote {path}: {dataset.Recordings.Count} recordings, {samples} samples, {bytes} bytes");
            Console.WriteLine("channel   unit    scale          max |error|    rms error   (vs the source text)");
            for (int c = 0; c < dataset.ChannelCount; c++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{dataset.Channels[c],-9} {dataset.Units[c],-7} {scales[c],-14:E6} {error.MaxAbs[c],-14:E6} {error.Rms(c):E6}"));
        }
        return ExitCodes.Success;
    }

    /// <summary>Largest and RMS difference per channel between decoded values and the source's decimal text.</summary>
    private sealed class QuantizationError(int channels)
    {
        public double[] MaxAbs { get; } = new double[channels];
        private readonly double[] _sumSquares = new double[channels];
        private long _rows;

        public void Add(string[] text, float[] decoded)
        {
            for (int i = 0; i < text.Length; i++)
            {
                double e = Math.Abs(decoded[i] - double.Parse(text[i], NumberStyles.Float, CultureInfo.InvariantCulture));
                int c = i % channels;
                MaxAbs[c] = Math.Max(MaxAbs[c], e);
                _sumSquares[c] += e * e;
            }
            _rows += text.Length / channels;
        }

        public double Rms(int c) => Math.Sqrt(_sumSquares[c] / Math.Max(1, _rows));
    }

    private static Command Export()
    {
        var haptRaw = new Option<DirectoryInfo?>("--hapt-raw") { Description = "Export from the HAPT raw recordings (values copied verbatim from the text files)" };
        var dataset = new Option<string?>("--dataset") { Description = "Export from a named dataset in datasets/ (hapt)" };
        var recordings = new Option<string[]>("--recording", "-r") { Description = "Recording names to export (e.g. exp03_user02); all when omitted", AllowMultipleArgumentsPerToken = true };
        var prefix = new Option<string>("--prefix") { Description = "File name prefix", DefaultValueFactory = _ => "hapt-" };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory to write one CSV recording per session into", Required = true };
        var command = new Command("export", "Write recordings in the CSV recording format (time, channels, label), one file per session")
        {
            haptRaw, dataset, recordings, prefix, output,
        };
        command.SetAction(p => CommandGuard.Run(() => RunExport(p.GetValue(haptRaw), p.GetValue(dataset), p.GetValue(recordings) ?? [], p.GetValue(prefix)!, p.GetValue(output)!)));
        return command;
    }

    private static int RunExport(DirectoryInfo? haptRaw, string? datasetName, string[] names, string prefix, DirectoryInfo output)
    {
        if ((haptRaw is null) == (datasetName is null)) throw new UsageException("give exactly one of --hapt-raw DIR or --dataset NAME");
        var wanted = names.Select(Canonical).ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool all = wanted.Count == 0;
        Directory.CreateDirectory(output.FullName);
        int written = 0;
        if (haptRaw is not null)
        {
            foreach (var e in HaptRaw.Experiments(haptRaw.FullName))
            {
                if (!all && !wanted.Remove(e.Name)) continue;
                var (text, rows) = HaptRaw.ReadText(e);
                var labels = HaptRaw.Labels(e, rows).Select(l => l == Recording.Unlabelled ? "" : HaptClasses.All[l]).ToArray();
                using var writer = CreateWriter(output, prefix, e.Name);
                RecordingCsv.WriteText(writer, HaptClasses.Channels, 6, text, labels, HaptClasses.SampleRateHz);
                written++;
            }
        }
        else
        {
            var data = datasetName == HaptDataset.Name ? HaptDataset.LoadAll(DatasetCatalog.DirectoryOf(datasetName))
                : throw new UsageException($"unknown dataset '{datasetName}' (known: {string.Join(", ", DatasetCatalog.Names)})");
            foreach (var r in data.Recordings)
            {
                if (!all && !wanted.Remove(r.Name)) continue;
                using var writer = CreateWriter(output, prefix, r.Name);
                RecordingCsv.Write(writer, r, data.Channels, data.ClassNames, data.SampleRateHz);
                written++;
            }
        }
        if (wanted.Count > 0) throw new UsageException($"no recording named {string.Join(", ", wanted)}");
        Console.Error.WriteLine($"wrote {written} recording(s) to {output.FullName}");
        return ExitCodes.Success;
    }

    /// <summary>exp03-user02 and exp03_user02 name the same recording; files use dashes.</summary>
    private static string Canonical(string name) => name.Replace('-', '_');

    private static StreamWriter CreateWriter(DirectoryInfo output, string prefix, string name) =>
        new(Path.Combine(output.FullName, $"{prefix}{name.Replace('_', '-')}.csv"), false, new UTF8Encoding(false)) { NewLine = "\n" };
}
