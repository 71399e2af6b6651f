using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace EdgeLstm.Training.Data;

/// <summary>
/// The compact dataset file (`.elds`, docs/datasets.md): a 24-byte header, then a gzip stream of
/// the payload. Samples are int16 per channel with one scale per channel (value = q * scale,
/// q = round(value / scale), scale = the channel's largest magnitude / 32767), stored channel by
/// channel as wrapping int16 differences of consecutive q, which compress far better than the
/// values. Labels are stored as runs. A CRC-32 over the uncompressed payload guards it all.
/// </summary>
public static class CompactDatasetFile
{
    public static ReadOnlySpan<byte> Magic => "ELSTMDS1"u8;
    public const ushort Version = 1;
    public const int HeaderSize = 8 + 2 + 2 + 4 + 8;
    private const long MaxPayload = 1L << 30;

    /// <summary>Per-channel scales for this dataset: largest magnitude over every recording / 32767.</summary>
    public static float[] Scales(Dataset dataset)
    {
        var maxAbs = new float[dataset.ChannelCount];
        foreach (var r in dataset.Recordings)
            for (int i = 0; i < r.Samples.Length; i++)
            {
                int c = i % r.ChannelCount;
                maxAbs[c] = MathF.Max(maxAbs[c], MathF.Abs(r.Samples[i]));
            }
        return maxAbs.Select(m => m > 0 ? m / 32767f : 1f).ToArray();
    }

    public static short Quantize(float value, float scale) => (short)Math.Clamp(Math.Round(value / (double)scale, MidpointRounding.ToEven), -32767, 32767);

    public static void Write(Stream output, Dataset dataset)
    {
        var payload = Payload(dataset, Scales(dataset));
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Crc32.HashToUInt32(payload));
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], payload.Length);
        output.Write(header);
        using var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true);
        gzip.Write(payload);
    }

    public static void Save(Dataset dataset, string path)
    {
        using var file = File.Create(path);
        Write(file, dataset);
    }

    public static Dataset Load(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    public static Dataset Read(Stream input, string source)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        if (input.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header[..8].SequenceEqual(Magic))
            throw new FormatException($"{source}: not a compact dataset file (wrong magic)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version > Version) throw new FormatException($"{source}: format version {version} is newer than this build reads ({Version})");
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        long length = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (length < 0 || length > MaxPayload) throw new FormatException($"{source}: payload length {length} is out of range");
        var payload = new byte[length];
        try
        {
            using var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
            int read = gzip.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
            if (read != length || gzip.ReadByte() != -1) throw new FormatException($"{source}: payload is not {length} bytes (truncated or padded)");
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"{source}: compressed payload is corrupt ({e.Message})", e);
        }
        if (Crc32.HashToUInt32(payload) != crc) throw new FormatException($"{source}: checksum mismatch (the file is damaged)");
        try
        {
            return Parse(payload);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException($"{source}: payload ends early", e);
        }
    }

    private static byte[] Payload(Dataset dataset, float[] scales)
    {
        using var buffer = new MemoryStream();
        using var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        w.Write(dataset.Name);
        w.Write(dataset.SampleRateHz);
        w.Write(dataset.ChannelCount);
        for (int c = 0; c < dataset.ChannelCount; c++)
        {
            w.Write(dataset.Channels[c]);
            w.Write(c < dataset.Units.Count ? dataset.Units[c] : "");
            w.Write(scales[c]);
        }
        w.Write(dataset.ClassCount);
        foreach (var name in dataset.ClassNames) w.Write(name);
        w.Write(dataset.Recordings.Count);
        foreach (var r in dataset.Recordings)
        {
            w.Write(r.Name);
            w.Write(r.Subject);
            w.Write(r.Length);
            var runs = LabelRuns.Of(r.Labels);
            w.Write(runs.Count);
            foreach (var (start, length, label) in runs) { w.Write(start); w.Write(length); w.Write(label); }
            for (int c = 0; c < r.ChannelCount; c++)
            {
                short previous = 0;
                for (int t = 0; t < r.Length; t++)
                {
                    short q = Quantize(r.Samples[t * r.ChannelCount + c], scales[c]);
                    w.Write(unchecked((short)(q - previous)));
                    previous = q;
                }
            }
        }
        w.Flush();
        return buffer.ToArray();
    }

    private static Dataset Parse(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        string name = r.ReadString();
        float rate = r.ReadSingle();
        int channels = Count(r.ReadInt32(), 1, 4096, "channel count");
        var names = new string[channels];
        var units = new string[channels];
        var scales = new float[channels];
        for (int c = 0; c < channels; c++) { names[c] = r.ReadString(); units[c] = r.ReadString(); scales[c] = r.ReadSingle(); }
        var classes = new string[Count(r.ReadInt32(), 0, 65536, "class count")];
        for (int k = 0; k < classes.Length; k++) classes[k] = r.ReadString();
        int count = Count(r.ReadInt32(), 0, 1 << 20, "recording count");
        var recordings = new List<Recording>(count);
        for (int i = 0; i < count; i++)
        {
            string rname = r.ReadString();
            int subject = r.ReadInt32();
            int length = Count(r.ReadInt32(), 0, (int)Math.Min(int.MaxValue / channels, payload.Length), "recording length");
            var labels = new int[length];
            Array.Fill(labels, Recording.Unlabelled);
            int runs = Count(r.ReadInt32(), 0, length, "label run count");
            for (int k = 0; k < runs; k++)
            {
                int start = r.ReadInt32(), runLength = r.ReadInt32(), label = r.ReadInt32();
                if (start < 0 || runLength < 1 || (long)start + runLength > length || label < 0 || label >= classes.Length)
                    throw new FormatException($"{rname}: label run {start}+{runLength} of class {label} is out of range");
                labels.AsSpan(start, runLength).Fill(label);
            }
            var samples = new float[length * channels];
            for (int c = 0; c < channels; c++)
            {
                short q = 0;
                for (int t = 0; t < length; t++)
                {
                    q = unchecked((short)(q + r.ReadInt16()));
                    samples[t * channels + c] = q * scales[c];
                }
            }
            recordings.Add(new Recording(rname, channels, samples, labels) { Subject = subject });
        }
        if (r.BaseStream.Position != payload.Length) throw new FormatException($"{name}: {payload.Length - r.BaseStream.Position} bytes after the last recording");
        return new Dataset(name, names, classes, rate, recordings) { Units = units };
    }

    private static int Count(int value, int min, int max, string what) =>
        value >= min && value <= max ? value : throw new FormatException($"{what} {value} is out of range {min}..{max}");
}
