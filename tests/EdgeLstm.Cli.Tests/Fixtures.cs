using System.Globalization;
using System.Text;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Cli.Tests;

/// <summary>A quantized random model and a CSV recording for it, written once per test run.</summary>
internal static class Fixtures
{
    private static readonly Lazy<(string Model, string Csv)> Files = new(Create);

    private static readonly Lazy<string> Other = new(CreateOther);

    public static string ModelPath => Files.Value.Model;

    /// <summary>A second model of the same shape with other weights and labels ("B-walk" ...): what a reload switches to.</summary>
    public static string OtherModelPath => Other.Value;
    public static string CsvPath => Files.Value.Csv;

    private static string CreateOther()
    {
        var shape = new NetworkShape("fixture-b", 6, [("lstm", 24), ("gru", 20)], 4);
        var model = QuantizeModel.WithIntegerForm(RandomModels.Create(shape, 11), RandomModels.RandomSequences(6, 3, 200, 12));
        model.Metadata.Labels.Clear();
        model.Metadata.Labels.AddRange(["B-walk", "B-sit", "B-stand", "B-lie"]);
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-cli-tests").FullName, "fixture-b.elstm");
        ModelFileWriter.Save(model, path);
        return path;
    }

    private static (string, string) Create()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-cli-tests").FullName;
        var shape = new NetworkShape("fixture", 6, [("lstm", 24), ("gru", 20)], 4);
        var model = QuantizeModel.WithIntegerForm(RandomModels.Create(shape, 3), RandomModels.RandomSequences(6, 3, 200, 4));
        model.Metadata.Labels.Clear();
        model.Metadata.Labels.AddRange(["walk", "sit", "stand", "lie"]);
        string modelPath = Path.Combine(dir, "fixture.elstm");
        ModelFileWriter.Save(model, modelPath);

        var csv = new StringBuilder("time,ch0,ch1,ch2,ch3,ch4,ch5,label\n");
        var samples = RandomModels.RandomSequences(6, 1, 500, 5)[0];
        for (int t = 0; t < samples.Length; t++)
            csv.Append(CultureInfo.InvariantCulture, $"{t * 0.02:F2},{string.Join(',', samples[t].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},walk\n");
        string csvPath = Path.Combine(dir, "input.csv");
        File.WriteAllText(csvPath, csv.ToString());
        return (modelPath, csvPath);
    }
}
