using System.Globalization;
using System.Text;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// One field fault as bytes a sensor would send: chunks (a write, a datagram), with interruptions
/// between some (a board reset: the serial device re-enumerates, the TCP peer reconnects), and the
/// number of valid samples in it, which must all be classified whatever surrounds them.
/// </summary>
public sealed class FaultScenario
{
    private readonly List<byte[]?> _chunks = [];

    private FaultScenario(string name, InputFormat format)
    {
        Name = name;
        Format = format;
    }

    public string Name { get; }
    public InputFormat Format { get; }

    /// <summary>Writes or datagrams; null marks an interruption (device reset, reconnect).</summary>
    public IReadOnlyList<byte[]?> Chunks => _chunks;

    public int ValidSamples { get; private set; }
    public long Bytes => _chunks.Sum(c => c?.Length ?? 0);

    public override string ToString() => Name;

    private FaultScenario Add(string text) => Add(Encoding.ASCII.GetBytes(text));

    private FaultScenario Add(byte[] bytes)
    {
        _chunks.Add(bytes);
        return this;
    }

    private FaultScenario Interrupt()
    {
        _chunks.Add(null);
        return this;
    }

    private FaultScenario Rows(int from, int count, string suffix = "")
    {
        var text = new StringBuilder();
        for (int i = from; i < from + count; i++) text.Append(Recording[i % Recording.Length]).Append(suffix).Append('\n');
        ValidSamples += count;
        return Add(text.ToString());
    }

    /// <summary>The shipped recording's six channels, as a sensor prints them.</summary>
    public static readonly string[] Recording = File.ReadLines(TestModels.Recording).Skip(1).Take(400)
        .Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();

    private static byte[] Noise(int seed, int length, bool newlines)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && !newlines) bytes[i] = 0xFF;
            if (bytes[i] == BinaryFrame.Sync0) bytes[i] = 0x00; // noise, not a frame start (those are tested on purpose below)
        }
        return bytes;
    }

    /// <summary>Text faults: garbage before, inside and after valid lines; boot banners and resets; headers and trailing separators.</summary>
    public static IEnumerable<FaultScenario> Text()
    {
        yield return new FaultScenario("text: garbage and a boot banner before the data", InputFormat.Text)
            .Add(Noise(1, 300, newlines: true)).Add("\n").Add("IMU ready\r\n").Add("MPU6050 found at 0x68\n").Rows(0, 120);
        yield return new FaultScenario("text: garbage inside the data", InputFormat.Text)
            .Rows(0, 60).Add("\u0001\u0002\u00ff\n1,2,3\nhello,world\nNaN,NaN,NaN,NaN,NaN,NaN\n" + new string('7', 3000) + "\n1,abc,3,4,5,6\n")
            .Add("acc_x acc_y\n").Rows(60, 60);
        yield return new FaultScenario("text: garbage after the data", InputFormat.Text)
            .Rows(0, 100).Add(Noise(2, 200, newlines: false));
        yield return new FaultScenario("text: a banner at every board reset", InputFormat.Text)
            .Add("IMU ready\n").Rows(0, 80).Interrupt().Add("IMU ready\n").Add("calibrating... done\n").Rows(80, 80).Interrupt().Add("IMU ready\n").Rows(160, 40);
        yield return new FaultScenario("text: header, trailing separators, a reset that repeats the header", InputFormat.Text)
            .Add("acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n").Rows(0, 70, ",").Interrupt().Add("acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n").Add("1,2,3,4,5,6,7\n").Rows(70, 70);
        yield return new FaultScenario("text: words the width of the data are a header, other words are not", InputFormat.Text)
            .Add("a b c d e f\n").Rows(0, 50).Add("status ok\n").Rows(50, 50);
    }

    /// <summary>Frames of every allowed size (1 to 32 samples) in int16 and float32, with garbage before, inside and after.</summary>
    public static IEnumerable<FaultScenario> Binary()
    {
        foreach (var format in new[] { SampleFormat.Int16, SampleFormat.Float32 })
            for (int perFrame = 1; perFrame <= BinaryFrame.MaxSamples; perFrame++)
                yield return Frames(format, perFrame);
    }

    public static FaultScenario Frames(SampleFormat format, int perFrame)
    {
        var s = new FaultScenario(string.Create(CultureInfo.InvariantCulture, $"binary: {format}, {perFrame} per frame"), InputFormat.Binary);
        var buffer = new byte[BinaryFrame.MaxSize];
        uint sequence = 0;
        byte[] Frame(int first, bool count = true)
        {
            var values = new float[perFrame * 6];
            for (int k = 0; k < perFrame; k++)
            {
                var row = Recording[(first + k) % Recording.Length].Split(',');
                for (int c = 0; c < 6; c++) values[k * 6 + c] = format == SampleFormat.Int16 ? float.Parse(row[c], CultureInfo.InvariantCulture) * 1000 : float.Parse(row[c], CultureInfo.InvariantCulture);
            }
            int n = BinaryFrame.Write(buffer, format, 1, sequence, 1_000_000UL + sequence * 20_000UL, 20_000, 6, values);
            sequence += (uint)perFrame;
            if (count) s.ValidSamples += perFrame;
            return buffer[..n];
        }
        int frames = Math.Max(4, 120 / perFrame);
        s.Add(Noise(3 + perFrame, 97, newlines: true));
        for (int i = 0; i < frames; i++) s.Add(Frame(i * perFrame));
        // Inside: a false sync word, a header out of limits, a frame with a flipped payload byte, noise.
        s.Add([BinaryFrame.Sync0, BinaryFrame.Sync1, 9, 9, 0, 0]);
        var badHeader = Frame(0, count: false);
        badHeader[BinaryFrame.OffSamples] = 200;
        s.Add(badHeader);
        var corrupt = Frame(0, count: false);
        corrupt[BinaryFrame.HeaderSize] ^= 0x40;
        s.Add(corrupt);
        s.Add(Noise(50 + perFrame, 61, newlines: true));
        for (int i = 0; i < frames; i++) s.Add(Frame(i * perFrame));
        // After: a frame cut short (the input or the connection ends inside it).
        s.Add(Frame(0, count: false)[..(BinaryFrame.HeaderSize + 5)]);
        return s;
    }
}
