using System.Globalization;
using System.Text;

namespace EdgeLstm.Cli;

/// <summary>
/// A standalone SVG document written by hand, one element a line: the xmlns, a viewBox with width
/// and height, a white background, numbers in the invariant culture rounded to 0.1 px, and text
/// escaped. The commands' pictures (`study variants`, `train`, `eval`) use it so that the same
/// input gives the same bytes and no plotting dependency is needed. Attributes passed as text are
/// the caller's own (never user data); user text goes through <see cref="Text"/> or <see cref="Title"/>.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _svg = new();
    private int _open;

    public SvgWriter(double width, double height, int fontSize = 12)
    {
        Width = width;
        Height = height;
        Raw($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Num(width)}\" height=\"{Num(height)}\" viewBox=\"0 0 {Num(width)} {Num(height)}\" font-family=\"sans-serif\" font-size=\"{Num(fontSize)}\">");
        Raw("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    }

    public double Width { get; }
    public double Height { get; }

    /// <summary>A number as an attribute value: invariant culture, at most one decimal, no trailing zeros.</summary>
    public static string Num(double v)
    {
        if (!double.IsFinite(v)) throw new ArgumentOutOfRangeException(nameof(v), v, "SVG coordinates must be finite");
        string s = v.ToString("0.#", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    /// <summary>Text as XML character data or an attribute value: &amp; &lt; &gt; &quot; escaped, characters XML 1.0 forbids replaced by U+FFFD.</summary>
    public static string Escape(string s)
    {
        var b = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': b.Append("&amp;"); break;
                case '<': b.Append("&lt;"); break;
                case '>': b.Append("&gt;"); break;
                case '"': b.Append("&quot;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) b.Append(c).Append(s[++i]);
                    else if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF') b.Append('\uFFFD');
                    else b.Append(c);
                    break;
            }
        }
        return b.ToString();
    }

    /// <summary>A line of markup as given (the caller's own constant markup, with numbers through <see cref="Num"/>).</summary>
    public void Raw(string markup) => _svg.Append(markup).Append('\n');

    public void Line(double x1, double y1, double x2, double y2, string stroke, string? attributes = null) =>
        Raw($"<line x1=\"{Num(x1)}\" y1=\"{Num(y1)}\" x2=\"{Num(x2)}\" y2=\"{Num(y2)}\" stroke=\"{stroke}\"{Extra(attributes)}/>");

    public void Rect(double x, double y, double width, double height, string fill, string? attributes = null) =>
        Raw($"<rect x=\"{Num(x)}\" y=\"{Num(y)}\" width=\"{Num(width)}\" height=\"{Num(height)}\" fill=\"{fill}\"{Extra(attributes)}/>");

    public void Circle(double cx, double cy, double r, string attributes, string? title = null)
    {
        string open = $"<circle cx=\"{Num(cx)}\" cy=\"{Num(cy)}\" r=\"{Num(r)}\"{Extra(attributes)}";
        Raw(title is null ? open + "/>" : $"{open}><title>{Escape(title)}</title></circle>");
    }

    /// <summary>A polyline through the points; nothing when there are fewer than two.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, string? attributes = null)
    {
        if (points.Count < 2) return;
        Raw($"<polyline points=\"{string.Join(' ', points.Select(p => Num(p.X) + "," + Num(p.Y)))}\" fill=\"none\" stroke=\"{stroke}\"{Extra(attributes)}/>");
    }

    public void Text(double x, double y, string text, string? attributes = null) =>
        Raw($"<text x=\"{Num(x)}\" y=\"{Num(y)}\"{Extra(attributes)}>{Escape(text)}</text>");

    /// <summary>Text turned by <paramref name="degrees"/> (negative: counter-clockwise) about its anchor point.</summary>
    public void RotatedText(double x, double y, double degrees, string text, string? attributes = null) =>
        Text(x, y, text, $"transform=\"rotate({Num(degrees)} {Num(x)} {Num(y)})\"{Extra(attributes)}");

    /// <summary>A tooltip for the enclosing element (a viewer shows it on hover).</summary>
    public void Title(string text) => Raw($"<title>{Escape(text)}</title>");

    public void BeginGroup(string? attributes = null)
    {
        Raw($"<g{Extra(attributes)}>");
        _open++;
    }

    public void EndGroup()
    {
        if (_open == 0) throw new InvalidOperationException("no open group");
        _open--;
        Raw("</g>");
    }

    /// <summary>The finished document: everything written so far, then the closing tag.</summary>
    public override string ToString()
    {
        if (_open != 0) throw new InvalidOperationException($"{_open} group(s) left open");
        return _svg + "</svg>\n";
    }

    private static string Extra(string? attributes) => string.IsNullOrEmpty(attributes) ? "" : " " + attributes;
}
