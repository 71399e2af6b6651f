using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using static EdgeLstm.Core.Format.ModelFileFormat;

namespace EdgeLstm.Core.Format;

/// <summary>Writes <see cref="EdgeModel"/>s in the versioned, checksummed model file format.</summary>
public static class ModelFileWriter
{
    public static void Save(EdgeModel model, string path)
    {
        var bytes = ToBytes(model);
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true); // never leave a half-written model behind
    }

    public static byte[] ToBytes(EdgeModel model)
    {
        using var payload = new MemoryStream();
        int sections = 0;
        WriteSection(payload, MetadataTag, w => WriteMetadata(w, model.Metadata), ref sections);
        if (model.Float is not null) WriteSection(payload, FloatTag, w => WriteFloat(w, model.Float), ref sections);
        if (model.Integer is not null) WriteSection(payload, IntegerTag, w => WriteInteger(w, model.Integer), ref sections);
        if (model.Float?.Attention is { } fa) WriteSection(payload, FloatAttentionTag, w => WriteFloatAttention(w, fa), ref sections);
        if (model.Integer?.Attention is { } qa) WriteSection(payload, IntegerAttentionTag, w => WriteIntegerAttention(w, qa), ref sections);
        ushort version = model.HeadKind == HeadKind.Attention ? AttentionVersion : BaseVersion;

        var body = payload.ToArray();
        var file = new byte[HeaderSize + body.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), version);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(10), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)sections);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), Crc32.HashToUInt32(body));
        body.CopyTo(file, HeaderSize);
        return file;
    }

    private static void WriteSection(MemoryStream payload, uint tag, Action<BinaryWriter> write, ref int count)
    {
        using var section = new MemoryStream();
        using (var w = new BinaryWriter(section, System.Text.Encoding.UTF8, leaveOpen: true)) write(w);
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(head, tag);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)section.Length);
        payload.Write(head);
        section.Position = 0;
        section.CopyTo(payload);
        count++;
    }

    private static void WriteMetadata(BinaryWriter w, ModelMetadata m)
    {
        w.Write(m.Name);
        w.Write((ushort)m.Labels.Count);
        foreach (var l in m.Labels) w.Write(l);
        w.Write((ushort)m.Channels.Count);
        foreach (var c in m.Channels) { w.Write(c.Name); w.Write(c.Unit); }
        w.Write(m.SampleRateHz);
        WriteCounted(w, m.Mean);
        WriteCounted(w, m.Std);
        w.Write((byte)m.Mode);
        w.Write(m.Window);
        w.Write(m.Hop);
        w.Write((ushort)m.Properties.Count);
        foreach (var (k, v) in m.Properties) { w.Write(k); w.Write(v); }
    }

    private static void WriteFloat(BinaryWriter w, FloatNetwork n)
    {
        w.Write((ushort)n.Layers.Count);
        foreach (var l in n.Layers) WriteRecord(w, w =>
        {
            WriteLayerHeader(w, l.Kind, l.InputSize, l.HiddenSize, l.Peepholes is not null, l.InputForget, l.LinearBeforeReset);
            w.Write(l.Clip);
            WriteRaw(w, l.W); WriteRaw(w, l.R); WriteRaw(w, l.Wb); WriteRaw(w, l.Rb);
            if (l.Peepholes is not null) WriteRaw(w, l.Peepholes);
            l.Definition.WriteFloatFields(w, l);
        });
        w.Write(n.Head.InputSize);
        w.Write(n.Head.OutputSize);
        WriteRaw(w, n.Head.W);
        WriteRaw(w, n.Head.B);
    }

    private static void WriteInteger(BinaryWriter w, QuantizedNetwork n)
    {
        w.Write(n.InputSize);
        WriteRaw(w, n.InputOffset);
        WriteRaw(w, n.InputMultiplier);
        w.Write((ushort)n.Layers.Count);
        foreach (var l in n.Layers) WriteRecord(w, w =>
        {
            WriteLayerHeader(w, l.Kind, l.InputSize, l.HiddenSize, l.Peepholes is not null, l.InputForget, l.LinearBeforeReset);
            w.Write(l.InputScale);
            w.Write(l.CellFracBits);
            w.Write(l.ClipQ12);
            WriteMatrix(w, l.W);
            WriteMatrix(w, l.R);
            WriteRaw(w, l.Bias);
            l.Definition.WriteIntegerFieldsAfterBias(w, l);
            if (l.Peepholes is not null)
            {
                WriteRaw(w, l.Peepholes);
                WriteRaw(w, l.PeepholeScales!);
                WriteRequant(w, l.PeepholeRequant!);
            }
            l.Definition.WriteIntegerFields(w, l);
        });
        w.Write(n.Head.InputSize);
        w.Write(n.Head.OutputSize);
        WriteMatrix(w, n.Head.W);
        WriteRaw(w, n.Head.Bias);
    }

    /// <summary>Attention section header: steps, hidden size, size (what the reader checks the arrays against).</summary>
    private static void WriteAttentionShape(BinaryWriter w, int steps, int hidden, int size)
    {
        w.Write(steps);
        w.Write(hidden);
        w.Write(size);
    }

    private static void WriteFloatAttention(BinaryWriter w, AttentionPooling a)
    {
        WriteAttentionShape(w, a.Steps, a.HiddenSize, a.Size);
        WriteRaw(w, a.W); WriteRaw(w, a.B); WriteRaw(w, a.V);
    }

    private static void WriteIntegerAttention(BinaryWriter w, QuantizedAttention a)
    {
        WriteAttentionShape(w, a.Steps, a.HiddenSize, a.Size);
        WriteMatrix(w, a.W);
        WriteRaw(w, a.Bias);
        WriteMatrix(w, a.V);
    }

    /// <summary>A length-prefixed record, so a reader can tell a layer whose shapes do not match its bytes.</summary>
    private static void WriteRecord(BinaryWriter w, Action<BinaryWriter> write)
    {
        using var record = new MemoryStream();
        using (var rw = new BinaryWriter(record, System.Text.Encoding.UTF8, leaveOpen: true)) write(rw);
        w.Write((int)record.Length);
        w.Write(record.GetBuffer(), 0, (int)record.Length);
    }

    private static void WriteLayerHeader(BinaryWriter w, CellKind kind, int inputs, int hidden, bool peepholes, bool inputForget, bool linearBeforeReset)
    {
        w.Write((byte)kind);
        w.Write(inputs);
        w.Write(hidden);
        w.Write(Flags(peepholes, inputForget, linearBeforeReset));
    }

    private static byte Flags(bool peepholes, bool inputForget, bool linearBeforeReset) =>
        (byte)((peepholes ? FlagPeepholes : 0) | (inputForget ? FlagInputForget : 0) | (linearBeforeReset ? FlagLinearBeforeReset : 0));

    internal static void WriteMatrix(BinaryWriter w, QuantizedMatrix m)
    {
        WriteRaw(w, m.Values);
        WriteRaw(w, m.Scales);
        WriteRequant(w, m.Requant);
    }

    internal static void WriteRequant(BinaryWriter w, Requantizer[] r)
    {
        foreach (var q in r) { w.Write(q.Multiplier); w.Write(q.Shift); }
    }

    private static void WriteCounted(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        WriteRaw(w, values);
    }

    internal static void WriteRaw<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("model files are little-endian");
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
