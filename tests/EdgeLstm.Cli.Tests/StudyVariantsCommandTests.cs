namespace EdgeLstm.Cli.Tests;

/// <summary>`study variants` end to end at a toy budget on the real HAPT copy: the table, the advice and the SVG are written.</summary>
public class StudyVariantsCommandTests
{
    [Fact]
    public void Writes_the_table_the_advice_and_the_plot()
    {
        string md = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-variants").FullName, "variants.md");
        var run = CliProcess.Run("study", "variants", "--cells", "rnn,gru", "--hidden", "2", "--layers", "1", "--epochs", "1", "--timed-steps", "512", "-o", md);
        Assert.True(run.ExitCode == 0, run.StdErr);
        string text = File.ReadAllText(md);
        Assert.Contains("| rnn |", text);
        Assert.Contains("| gru |", text);
        Assert.Contains("## Which cell for which budget", text);
        Assert.Contains("edgelstm study variants --cells rnn,gru", text);
        string svg = File.ReadAllText(Path.ChangeExtension(md, ".svg"));
        System.Xml.Linq.XDocument.Parse(svg); // well-formed
        Assert.Equal(2, svg.Split("fill=\"#d62728\"").Length - 2); // two integer-engine points besides the legend's
        Assert.Equal(2, CliProcess.Run("study", "variants", "--cells", "elman", "-o", md).ExitCode);
    }
}
