using System.Globalization;
using System.Text;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests;

public class DataHaptTests
{
    /// <summary>The largest error datasets/hapt/README.md states for the compact copy, per channel (half its scale).</summary>
    private static readonly double[] StatedMaxError = [3.1e-5, 3.1e-5, 3.1e-5, 1.53e-4, 1.53e-4, 1.53e-4];

    [Fact]
    public void The_compact_copy_holds_all_of_HAPT()
    {
        var hapt = DataRepoFiles.Hapt;
        Assert.Equal(61, hapt.Recordings.Count);
        Assert.Equal(30, hapt.Recordings.Select(r => r.Subject).Distinct().Count());
        Assert.Equal(1122772, hapt.Recordings.Sum(r => r.Length));
        Assert.Equal(HaptClasses.All, hapt.ClassNames);
        Assert.Equal(HaptClasses.Channels, hapt.Channels);
        Assert.Equal(HaptClasses.Units, hapt.Units);
        Assert.Equal(50f, hapt.SampleRateHz);
        Assert.True(new FileInfo(Path.Combine(DataRepoFiles.HaptDirectory, HaptDataset.FileName)).Length <= 20 << 20);
    }

    [Fact]
    public void The_standard_split_is_by_subject()
    {
        var split = HaptDataset.SplitBySubject(ClassView.SixActivities(DataRepoFiles.Hapt));
        Assert.Equal([2, 4, 9, 10, 12, 13, 18, 20, 24], split.Test.Recordings.Select(r => r.Subject).Distinct().Order());
        Assert.Equal(21, split.Train.Recordings.Select(r => r.Subject).Distinct().Count());
        Assert.Equal(61, split.Train.Recordings.Count + split.Test.Recordings.Count);
        Assert.Equal(HaptClasses.Activities, split.Test.ClassNames);
        Assert.All(split.Train.Recordings, r => Assert.All(r.Labels, l => Assert.InRange(l, -1, 5)));
    }

    [Fact]
    public void The_compact_copy_matches_the_source_text_within_the_stated_error()
    {
        var sample = RecordingCsv.Read(DataRepoFiles.SampleCsv);
        var r = DataRepoFiles.Hapt.Recordings.Single(x => x.Name == "exp03_user02");
        Assert.Equal(2, r.Subject);
        Assert.Equal(sample.Length, r.Length);
        Assert.Equal(sample.Labels, r.Labels.Select(l => l < 0 ? null : HaptClasses.All[l]));
        var text = File.ReadLines(DataRepoFiles.SampleCsv).Skip(1).Select(l => l.Split(',')).ToArray();
        var maxError = new double[6];
        for (int t = 0; t < r.Length; t++)
            for (int c = 0; c < 6; c++)
                maxError[c] = Math.Max(maxError[c], Math.Abs(r.Samples[t * 6 + c] - double.Parse(text[t][c + 1], CultureInfo.InvariantCulture)));
        for (int c = 0; c < 6; c++) Assert.InRange(maxError[c], 1e-9, StatedMaxError[c]);
    }

    [Fact]
    public void Write_then_read_gives_the_quantized_values_and_labels()
    {
        var r1 = new Recording("a", 2, [1f, -10f, 0.5f, 10f, -1f, 0f], [0, 0, Recording.Unlabelled]) { Subject = 7 };
        var r2 = new Recording("b", 2, [0.25f, 3f], [1]) { Subject = 8 };
        var data = new Dataset("tiny", ["u", "v"], ["p", "q"], 25, [r1, r2]) { Units = ["g", ""] };
        var bytes = Serialize(data);
        var back = CompactDatasetFile.Read(new MemoryStream(bytes), "mem");
        var scales = CompactDatasetFile.Scales(data);
        Assert.Equal([1f / 32767, 10f / 32767], scales);
        Assert.Equal(["u", "v"], back.Channels);
        Assert.Equal(["g", ""], back.Units);
        Assert.Equal(["p", "q"], back.ClassNames);
        Assert.Equal(25f, back.SampleRateHz);
        Assert.Equal([7, 8], back.Recordings.Select(r => r.Subject));
        Assert.Equal(r1.Labels, back.Recordings[0].Labels);
        Assert.Equal(r2.Labels, back.Recordings[1].Labels);
        var original = r1.Samples.Concat(r2.Samples).ToArray();
        var decoded = back.Recordings.SelectMany(r => r.Samples).ToArray();
        for (int i = 0; i < original.Length; i++)
        {
            float scale = scales[i % 2];
            Assert.Equal(CompactDatasetFile.Quantize(original[i], scale) * scale, decoded[i]);
            Assert.InRange(Math.Abs(decoded[i] - original[i]), 0, scale / 2 * 1.0001);
        }
        Assert.Equal(bytes, Serialize(data));
    }

    [Fact]
    public void Damage_is_detected()
    {
        var data = new Dataset("tiny", ["u"], ["p"], 50, [new Recording("a", 1, [1f, 2f, 3f], [0, 0, 0])]);
        var bytes = Serialize(data);

        var badCrc = (byte[])bytes.Clone();
        badCrc[12] ^= 1;
        Assert.Contains("checksum mismatch", Assert.Throws<FormatException>(() => CompactDatasetFile.Read(new MemoryStream(badCrc), "f")).Message);

        var badMagic = (byte[])bytes.Clone();
        badMagic[0] = (byte)'X';
        Assert.Contains("wrong magic", Assert.Throws<FormatException>(() => CompactDatasetFile.Read(new MemoryStream(badMagic), "f")).Message);

        var newer = (byte[])bytes.Clone();
        newer[8] = 9;
        Assert.Contains("newer", Assert.Throws<FormatException>(() => CompactDatasetFile.Read(new MemoryStream(newer), "f")).Message);

        var truncated = bytes[..(CompactDatasetFile.HeaderSize + (bytes.Length - CompactDatasetFile.HeaderSize) / 2)];
        Assert.Throws<FormatException>(() => CompactDatasetFile.Read(new MemoryStream(truncated), "f"));

        var corrupt = (byte[])bytes.Clone();
        for (int i = CompactDatasetFile.HeaderSize + 10; i < corrupt.Length - 8; i++) corrupt[i] ^= 0x5A;
        Assert.Throws<FormatException>(() => CompactDatasetFile.Read(new MemoryStream(corrupt), "f"));
    }

    [Fact]
    public void The_raw_reader_labels_one_based_inclusive_segments_and_exports_the_sample_byte_for_byte()
    {
        // A HAPT-raw directory rebuilt from the sample's verbatim text: the converter must give the sample back.
        var root = BuildRawDirectory();
        var experiments = HaptRaw.Experiments(root);
        var e = Assert.Single(experiments);
        Assert.Equal(("exp03_user02", 3, 2), (e.Name, e.Id, e.Subject));
        var recording = HaptRaw.ReadRecording(e);
        var sample = RecordingCsv.Read(DataRepoFiles.SampleCsv);
        Assert.Equal(sample.Samples, recording.Samples);
        Assert.Equal(sample.Labels, recording.Labels.Select(l => l < 0 ? null : HaptClasses.All[l]));

        var (values, rows) = HaptRaw.ReadText(e);
        var labels = HaptRaw.Labels(e, rows).Select(l => l < 0 ? "" : HaptClasses.All[l]).ToArray();
        var text = new StringWriter { NewLine = "\n" };
        RecordingCsv.WriteText(text, HaptClasses.Channels, 6, values, labels, HaptClasses.SampleRateHz);
        Assert.Equal(File.ReadAllText(DataRepoFiles.SampleCsv), text.ToString());

        var six = ClassView.SixActivities(HaptRaw.Read(root));
        Assert.Equal(18026 - 5028 - (157 + 142 + 225 + 278 + 418 + 181), six.Recordings[0].Labels.Count(l => l >= 0));
    }

    [Fact]
    public void Bad_label_files_fail_naming_file_and_line()
    {
        var root = BuildRawDirectory();
        var labels = Path.Combine(root, "RawData", "labels.txt");
        File.AppendAllText(labels, "3 2 13 1 5\n");
        var e = Assert.Throws<FormatException>(() => HaptRaw.Experiments(root));
        Assert.Contains("labels.txt:", e.Message);
        Assert.Contains("activity id 13", e.Message);

        root = BuildRawDirectory();
        File.AppendAllText(Path.Combine(root, "RawData", "labels.txt"), "3 2 1 18000 18100\n");
        Assert.Contains("outside its 18026 samples", Assert.Throws<FormatException>(() => HaptRaw.Read(root)).Message);

        root = BuildRawDirectory();
        File.AppendAllText(Path.Combine(root, "RawData", "acc_exp03_user02.txt"), "1 2\n");
        Assert.Contains("acc_exp03_user02.txt:18027: 2 values, expected 3", Assert.Throws<FormatException>(() => HaptRaw.Read(root)).Message);
    }

    private static byte[] Serialize(Dataset data)
    {
        var buffer = new MemoryStream();
        CompactDatasetFile.Write(buffer, data);
        return buffer.ToArray();
    }

    private static string BuildRawDirectory()
    {
        var root = Directory.CreateTempSubdirectory("edgelstm-hapt-raw").FullName;
        var raw = Directory.CreateDirectory(Path.Combine(root, "RawData")).FullName;
        var rows = File.ReadLines(DataRepoFiles.SampleCsv).Skip(1).Select(l => l.Split(',')).ToArray();
        File.WriteAllLines(Path.Combine(raw, "acc_exp03_user02.txt"), rows.Select(f => $"{f[1]} {f[2]} {f[3]}"));
        File.WriteAllLines(Path.Combine(raw, "gyro_exp03_user02.txt"), rows.Select(f => $"{f[4]} {f[5]} {f[6]}"));
        var segments = new StringBuilder();
        for (int t = 0; t < rows.Length;)
        {
            int start = t;
            string label = rows[t][7];
            while (t < rows.Length && rows[t][7] == label) t++;
            if (label.Length > 0)
            {
                int id = HaptClasses.All.ToList().IndexOf(label) + 1;
                segments.Append(CultureInfo.InvariantCulture, $"3 2 {id} {start + 1} {t}\n");
            }
        }
        File.WriteAllText(Path.Combine(raw, "labels.txt"), segments.ToString());
        File.WriteAllLines(Path.Combine(root, "activity_labels.txt"), HaptClasses.All.Select((n, i) => $"{i + 1} {n.ToUpperInvariant()}"));
        return root;
    }
}
