using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeLstm.Cli;

/// <summary>Machine-readable output with Utf8JsonWriter: no reflection, NativeAOT-clean.</summary>
public static class Json
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteLine(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, Options)) write(writer);
        stdout.Write("\n"u8);
    }
}
