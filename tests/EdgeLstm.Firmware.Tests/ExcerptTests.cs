using System.Globalization;

namespace EdgeLstm.Firmware.Tests;

/// <summary>The REPLAY excerpt is the real recording in the firmware's documented sensor scaling.</summary>
public class ExcerptTests
{
    // +-4 g: 8192 counts per g; +-500 deg/s: 65.5 counts per deg/s.
    private static readonly double[] CountsPerUnit = [8192, 8192, 8192, 65.5 * 180 / Math.PI, 65.5 * 180 / Math.PI, 65.5 * 180 / Math.PI];

    [Fact]
    public void Counts_are_the_source_recording_rounded_to_the_sensor_scale()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        var source = File.ReadAllLines(RepoPaths.SourceRecording);
        Assert.Equal("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,label", source[0]);
        int first = Array.FindIndex(source, 1, l => l.StartsWith(excerpt.Times[0] + ",", StringComparison.Ordinal));
        Assert.True(first > 0);

        for (int t = 0; t < excerpt.Length; t++)
        {
            var fields = source[first + t].Split(',');
            Assert.Equal(fields[0], excerpt.Times[t]);
            Assert.Equal(fields[7], excerpt.Labels[t]);
            for (int c = 0; c < 6; c++)
            {
                double units = double.Parse(fields[1 + c], CultureInfo.InvariantCulture);
                // Rounding to the nearest count; no value of this excerpt saturates.
                Assert.True(Math.Abs(excerpt.Counts[t][c] - units * CountsPerUnit[c]) <= 0.5 + 1e-9,
                    $"sample {t} channel {c}: {excerpt.Counts[t][c]} counts for {units}");
            }
        }
    }

    [Fact]
    public void Excerpt_spans_labelled_activities_and_fits_comfortably()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        Assert.InRange(excerpt.Length, 1500, 2200);
        var labels = excerpt.Labels.Where(l => l.Length > 0).Distinct().ToList();
        Assert.Contains("walking", labels);
        Assert.Contains("laying", labels);
        Assert.True(labels.Count >= 3, string.Join(", ", labels));
    }

    [Fact]
    public void Generator_reproduces_the_committed_files()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-excerpt").FullName;
        try
        {
            string c = Path.Combine(dir, "replay_excerpt.c"), csv = Path.Combine(dir, "excerpt.csv");
            var run = RepoPaths.RunTool("python3", [Path.Combine(RepoPaths.UnoFirmware, "tools", "make-excerpt.py"),
                "--c-out", c, "--csv-out", csv]);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Equal(File.ReadAllText(RepoPaths.ExcerptCounts), File.ReadAllText(csv));
            // The C file names the CSV it mirrors; the committed one names the committed CSV.
            string committed = File.ReadAllText(Path.Combine(RepoPaths.UnoFirmware, "src", "replay_excerpt.c"));
            Assert.Equal(committed, File.ReadAllText(c).Replace("recordings/excerpt.csv",
                "recordings/hapt-exp03-user02-excerpt-counts.csv", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
