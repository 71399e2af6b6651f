using System.CommandLine;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli;

/// <summary>Options shared by several commands, with one spelling and one description.</summary>
public static class CommonOptions
{
    public static Option<FileInfo?> Model() => new("--model", "-m")
    {
        Description = "Model file (.elstm); defaults to the model embedded in the executable",
    };

    public static Option<string> Engine() => new Option<string>("--engine")
    {
        Description = "int: the integer engine (what the daemon runs); float: the float32 reference",
        DefaultValueFactory = _ => "int",
    }.AcceptOnlyFromAmong("int", "float");

    public static Option<bool> Scalar() => new("--scalar")
    {
        Description = "Force the scalar reference kernels of the integer engine (results are bit-identical; for bisection)",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON" };

    public static EngineKind ParseEngine(string engine) => engine == "float" ? EngineKind.Float : EngineKind.Integer;
}
