using System.CommandLine;
using EdgeLstm.Cli.Commands;

namespace EdgeLstm.Cli;

/// <summary>
/// The `edgelstm` executable. Exit codes (DESIGN.md section 7): 0 success, 1 a check that ran
/// failed, 2 bad arguments or bad input, with a one-line reason on stderr.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("EdgeLstm: integer-only recurrent networks for real-time sensor-stream classification on edge Linux boards.")
        {
            BenchCommand.Create(),
            DatasetCommand.Create(),
            EvalCommand.Create(),
            ImportOnnxCommand.Create(),
            InferCommand.Create(),
            InspectCommand.Create(),
            OnnxTestCommand.Create(),
            QuantizeCommand.Create(),
            RecordCommand.Create(),
            ReplayCommand.Create(),
            RunCommand.Create(),
            StatusCommand.Create(),
            StudyCommand.Create(),
            TrainCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line: System.CommandLine's messages may list choices over several lines.
            string reason = string.Join(' ', parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
            Console.Error.WriteLine($"edgelstm: {reason} (see --help)");
            return ExitCodes.BadInput;
        }
        return parsed.Invoke();
    }
}
