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

    /// <summary>An array property of one object per item, each written by writeFields between its braces.</summary>
    public static void WriteObjects<T>(this Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFields)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            writeFields(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
