using System.Globalization;
using System.Text.Json;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Cli.Commands;

/// <summary>Prints evaluation results: a text report for people, or the same numbers as JSON.</summary>
internal static class EvalReport
{
    public static void WriteText(TextWriter o, EngineComparison r)
    {
        var f = r.Float;
        var i = r.Integer;
        var any = (f ?? i)!;
        string unit = r.Protocol == "windowed" ? "windows" : "scored samples";
        o.WriteLine($"== {r.Protocol} protocol: {any.Total} {unit}");
        o.WriteLine($"{"",-22}{"float",10}{"integer",10}");
        o.WriteLine($"{"accuracy",-22}{Pct(f?.Accuracy),10}{Pct(i?.Accuracy),10}");
        o.WriteLine($"{"macro-F1",-22}{Pct(f?.MacroF1),10}{Pct(i?.MacroF1),10}");
        if (f is not null && i is not null)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"agreement",-22}{r.Agreement * 100,10:F2}%  of {r.Compared} decisions"));
        if (any.Unpredicted.Sum() > 0) o.WriteLine($"{"no prediction yet",-22}{f?.Unpredicted.Sum(),10}{i?.Unpredicted.Sum(),10}");
        o.WriteLine();
        o.WriteLine($"{"class",-22}{"support",9}{"float P",10}{"float R",10}{"int P",10}{"int R",10}");
        for (int k = 0; k < any.Classes; k++)
            o.WriteLine($"{any.ClassNames[k],-22}{any.Support(k),9}{Pct(f?.Precision(k)),10}{Pct(f?.Recall(k)),10}{Pct(i?.Precision(k)),10}{Pct(i?.Recall(k)),10}");
        if (f is not null) WriteMatrix(o, "float", f);
        if (i is not null) WriteMatrix(o, "integer", i);
        o.WriteLine();
    }

    private static void WriteMatrix(TextWriter o, string engine, ConfusionMatrix m)
    {
        o.WriteLine();
        o.WriteLine($"confusion matrix ({engine}): rows true class, columns predicted");
        int width = Math.Max(7, m.ClassNames.Max(n => Math.Min(n.Length, 10)) + 1);
        o.Write($"{"",-22}");
        for (int p = 0; p < m.Classes; p++) o.Write(Abbreviate(m.ClassNames[p], width - 1).PadLeft(width));
        o.WriteLine();
        for (int t = 0; t < m.Classes; t++)
        {
            o.Write($"{m.ClassNames[t],-22}");
            for (int p = 0; p < m.Classes; p++) o.Write(m[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            o.WriteLine();
        }
    }

    private static string Abbreviate(string s, int n) => s.Length <= n ? s : s[..n];

    private static string Pct(double? v) => v is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{v * 100:F2}%");

    public static void WriteJson(Utf8JsonWriter w, EngineComparison r)
    {
        w.WriteStartObject();
        w.WriteString("protocol", r.Protocol);
        if (r.Float is not null && r.Integer is not null)
        {
            w.WriteNumber("agreement", r.Agreement);
            w.WriteNumber("compared", r.Compared);
            w.WriteNumber("agreed", r.Agreed);
        }
        w.WriteStartObject("engines");
        if (r.Float is not null) WriteMatrixJson(w, "float", r.Float);
        if (r.Integer is not null) WriteMatrixJson(w, "integer", r.Integer);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteMatrixJson(Utf8JsonWriter w, string name, ConfusionMatrix m)
    {
        w.WriteStartObject(name);
        w.WriteNumber("total", m.Total);
        w.WriteNumber("correct", m.Correct);
        w.WriteNumber("accuracy", m.Accuracy);
        w.WriteNumber("macroF1", m.MacroF1);
        w.WriteNumber("unpredicted", m.Unpredicted.Sum());
        w.WriteStartArray("classes");
        for (int k = 0; k < m.Classes; k++)
        {
            w.WriteStartObject();
            w.WriteString("name", m.ClassNames[k]);
            w.WriteNumber("support", m.Support(k));
            w.WriteNumber("precision", m.Precision(k));
            w.WriteNumber("recall", m.Recall(k));
            w.WriteNumber("f1", m.F1(k));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("confusion");
        for (int t = 0; t < m.Classes; t++)
        {
            w.WriteStartArray();
            for (int p = 0; p < m.Classes; p++) w.WriteNumberValue(m[t, p]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
