using System.Text;

namespace EdgeLstm.Cli;

/// <summary>
/// Where the commands' pictures go and how they are written: beside the model file, named after
/// it with the picture's kind (models/x.elstm gives models/x.training.svg and
/// models/x.confusion.svg), UTF-8 without a byte-order mark.
/// </summary>
internal static class PictureFile
{
    /// <summary>The model's path without its extension, then ".KIND.svg".</summary>
    public static string Beside(string modelPath, string kind) => Path.ChangeExtension(modelPath, null) + "." + kind + ".svg";

    public static void Write(string path, string svg) => File.WriteAllText(path, svg, new UTF8Encoding(false));

    /// <summary>Writes a picture whose place the user did not choose: a failure (a read-only model directory, say)
    /// is a warning on stderr, not the command's failure. True when it was written.</summary>
    public static bool TryWrite(string path, string svg, string what)
    {
        try
        {
            Write(path, svg);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"edgelstm: warning: could not write the {what} to {path}: {e.Message}");
            return false;
        }
    }
}
