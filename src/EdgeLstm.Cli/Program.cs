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
            PartitionCommand.Create(),
            QuantizeCommand.Create(),
            RecordCommand.Create(),
            ReplayCommand.Create(),
            RunCommand.Create(),
            StatusCommand.Create(),
            StudyCommand.Create(),
            TrainCommand.Create(),
        };
        RefuseUnknownOptions(root);
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

    /// <summary>
    /// A token like an option that no option of the command matched would otherwise be taken as a
    /// positional value (`replay --bogus x.csv`: "recording '--bogus' not found"): every command's
    /// arguments refuse such tokens by name. ("-" alone is standard input.)
    /// </summary>
    private static void RefuseUnknownOptions(Command command)
    {
        foreach (var argument in command.Arguments)
            argument.Validators.Add(result =>
            {
                foreach (var token in result.Tokens)
                    if (token.Value.Length > 1 && token.Value[0] == '-' && !char.IsAsciiDigit(token.Value[1]))
                    {
                        result.AddError($"unknown option '{token.Value}' for '{command.Name}'");
                        return;
                    }
            });
        foreach (var sub in command.Subcommands) RefuseUnknownOptions(sub);
    }
}
