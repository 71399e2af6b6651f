using System.CommandLine;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm partition --count N NAME...`: which of N gateways (`pipeline.partition.index`)
/// classifies each stream name, by the daemon's own function (XXH32 of the UTF-8 name, seed 0,
/// mod N; Daemon/Samples/StreamPartition.cs), so operators can plan a scale-out before it runs.
/// One line per name (`INDEX NAME`), or one JSON object with `--json`.
/// </summary>
public static class PartitionCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count", "-n") { Description = "Gateways sharing the streams (pipeline.partition.count)", Required = true };
        var names = new Argument<string[]>("NAME") { Description = "Stream names as the daemon writes them (`stream`: a text source's name, SOURCE/ID for frames)", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json();
        var command = new Command("partition", "Tell which gateway's partition (pipeline.partition.index) classifies each stream name") { count, json, names };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            int n = p.GetValue(count);
            if (n < 1) throw new UsageException($"--count: must be at least 1 (was {n})");
            string[] streams = p.GetValue(names)!;
            if (p.GetValue(json))
                Json.WriteLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("count", n);
                    w.WriteString("hash", "xxh32(utf-8 name, seed 0) mod count");
                    w.WriteStartObject("partitions");
                    foreach (string s in streams) w.WriteNumber(s, StreamPartition.Of(s, n));
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
            else
                foreach (string s in streams) Console.Out.WriteLine($"{StreamPartition.Of(s, n)} {s}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
