using System.Globalization;
using EdgeLstm.Daemon.Decoding;

namespace EdgeLstm.Daemon.Tests;

/// <summary>A file of binary frames from many streams, interleaved frame by frame: stream id k replays the shipped recording from its own offset.</summary>
internal static class FrameFeed
{
    /// <param name="lost">Frames left out (stream id, first sample): the next frame's sequence then skips, a gap.</param>
    public static string Write(int streams, int samplesPerStream, int perFrame, Func<ushort, int, bool>? lost = null)
    {
        var rows = File.ReadLines(TestModels.Recording).Skip(1)
            .Select(l => l.Split(',')[1..7].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var bytes = new List<byte>();
        var frame = new byte[BinaryFrame.MaxSize];
        var values = new float[perFrame * 6];
        for (int s = 0; s < samplesPerStream; s += perFrame)
            for (ushort id = 0; id < streams; id++)
            {
                if (lost?.Invoke(id, s) == true) continue;
                for (int k = 0; k < perFrame; k++) rows[(s + k + 97 * id) % rows.Length].CopyTo(values, 6 * k);
                int n = BinaryFrame.Write(frame, SampleFormat.Float32, id, (uint)s, 0, 0, 6, values);
                bytes.AddRange(frame[..n]);
            }
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-frames").FullName, "nodes.bin");
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }
}
