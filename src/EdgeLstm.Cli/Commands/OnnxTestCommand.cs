using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeLstm.Onnx.Conformance;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm onnx-test DIR...`: ONNX backend node-test folders (one LSTM, GRU or RNN node each)
/// through the float reference and the integer engine calibrated on the case's own inputs. One line
/// per case and output: <c>CASE OUTPUT PASS|FAIL|SKIP float=E int=E floor=E [why SKIP]</c>. SKIP: the
/// float engine passed, and the case is outside the integer engine's contract (an initial_h outside
/// [-1, 1]), so its error is shown but not judged. Exit 0 when none fails, 1 when any fails, 2 when
/// a folder cannot be read.
/// </summary>
public static class OnnxTestCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("DIR")
        {
            Description = "ONNX node-test folders: model.onnx and test_data_set_N/input_K.pb, output_K.pb",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = CommonOptions.Json();
        var command = new Command("onnx-test",
            $"Run ONNX node-test folders through both engines. Pass: float <= {ConformanceResult.FloatLimit:G}, int <= floor + {ConformanceResult.IntegerMargin:G} and int <= {ConformanceResult.IntegerLimit:G}, " +
            "where floor is the float engine's error on the integer model's dequantized weights. " +
            "SKIP: the float engine passed and the case is outside the integer engine's contract (initial_h outside [-1, 1]); its error is shown, not judged")
        {
            dirs, json,
        };
        command.SetAction(p => CommandGuard.Run(() => Run(p.GetValue(dirs)!, p.GetValue(json))));
        return command;
    }

    private static int Run(string[] dirs, bool json)
    {
        // Read every folder first: an unreadable one is bad input (exit 2), not a failed check.
        var cases = dirs.Select(NodeTestCase.Load).ToList();
        var results = cases.SelectMany(ConformanceRunner.Run).ToList();
        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteObjects("results", results, (w, r) =>
                {
                    w.WriteString("case", r.Case);
                    w.WriteString("output", r.Output);
                    w.WriteBoolean("pass", r.Passed);
                    w.WriteString("status", r.Verdict.ToLowerInvariant());
                    if (r.IntegerSkipReason is not null) w.WriteString("reason", r.IntegerSkipReason);
                    Number(w, "float", r.FloatError);
                    Number(w, "int", r.IntError);
                    Number(w, "floor", r.FloorError);
                });
                w.WriteNumber("passed", results.Count(r => r.Passed));
                w.WriteNumber("failed", results.Count(r => r.Failed));
                w.WriteNumber("skipped", results.Count(r => !r.Failed && r.IntegerSkipped));
                w.WriteEndObject();
            });
        }
        else
        {
            foreach (var r in results)
                Console.Out.Write($"{r.Case} {r.Output} {r.Verdict} float={Format(r.FloatError)} int={Format(r.IntError)} floor={Format(r.FloorError)}" +
                    (r.IntegerSkipReason is null ? "" : $" integer not judged: {r.IntegerSkipReason}") + "\n");
        }
        return results.Any(r => r.Failed) ? ExitCodes.CheckFailed : ExitCodes.Success;
    }

    private static string Format(double e) => e.ToString("0.00e+00", CultureInfo.InvariantCulture);

    /// <summary>JSON has no infinity or NaN: a non-finite error is written as null.</summary>
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }
}
