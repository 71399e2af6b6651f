using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using EdgeLstm.Core.Cells;
using static EdgeLstm.Core.Format.ModelFileFormat;

namespace EdgeLstm.Core.Format;

/// <summary>
/// Reads and validates model files. Every failure is a <see cref="ModelException"/> whose message
/// names the problem: wrong magic, newer version, truncation, checksum mismatch, unknown layer
/// kind, inconsistent shapes or out-of-range quantization parameters.
/// </summary>
public static class ModelFileReader
{
    public static EdgeModel Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException($"cannot read model file '{path}': {e.Message}", e);
        }
        try
        {
            return FromBytes(bytes);
        }
        catch (ModelException e)
        {
            throw new ModelException($"model file '{path}': {e.Message}", e);
        }
    }

    public static EdgeModel FromBytes(ReadOnlySpan<byte> file)
    {
        if (file.Length < 8 || !file[..8].SequenceEqual(Magic))
            throw new ModelException("not an EdgeLstm model file (wrong magic number)");
        if (file.Length < HeaderSize)
            throw new ModelException($"truncated header ({file.Length} of {HeaderSize} bytes)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(file[8..]);
        if (version > ModelFileFormat.Version)
            throw new ModelException($"format version {version} is newer than this build reads (up to {ModelFileFormat.Version}); upgrade edgelstm");
        if (version == 0) throw new ModelException("format version 0 is invalid");
        uint sections = BinaryPrimitives.ReadUInt32LittleEndian(file[12..]);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file[16..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(file[24..]);
        if (length > MaxPayload) throw new ModelException($"payload length {length} is implausible (corrupted header?)");
        var payload = file[HeaderSize..];
        if ((ulong)payload.Length < length) throw new ModelException($"truncated: payload has {payload.Length} of {length} bytes");
        if ((ulong)payload.Length > length) throw new ModelException($"{(ulong)payload.Length - length} unexpected bytes after the payload");
        if (Crc32.HashToUInt32(payload) != crc) throw new ModelException("checksum mismatch: the file is corrupted");

        ModelMetadata? metadata = null;
        FloatNetwork? floatNetwork = null;
        QuantizedNetwork? integerNetwork = null;
        AttentionPooling? floatAttention = null;
        QuantizedAttention? integerAttention = null;
        var rest = payload;
        for (uint s = 0; s < sections; s++)
        {
            if (rest.Length < 8) throw new ModelException($"section {s} header is truncated");
            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            if (size > rest.Length - 8) throw new ModelException($"section {s} claims {size} bytes, only {rest.Length - 8} remain");
            var body = rest.Slice(8, (int)size).ToArray();
            rest = rest[(8 + (int)size)..];
            using var r = new BinaryReader(new MemoryStream(body), System.Text.Encoding.UTF8);
            try
            {
                switch (tag)
                {
                    case MetadataTag: metadata = ReadMetadata(r); break;
                    case FloatTag: floatNetwork = ReadFloat(r); break;
                    case IntegerTag: integerNetwork = ReadInteger(r); break;
                    case FloatAttentionTag: floatAttention = ReadFloatAttention(r); break;
                    case IntegerAttentionTag: integerAttention = ReadIntegerAttention(r); break;
                    default: continue; // a section from a newer writer: skip it
                }
            }
            catch (EndOfStreamException)
            {
                throw new ModelException($"section '{TagName(tag)}' is shorter than its contents (inconsistent shapes or truncation)");
            }
            catch (ArgumentException e)
            {
                throw new ModelException($"section '{TagName(tag)}': {e.Message}", e);
            }
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw new ModelException($"section '{TagName(tag)}' has {r.BaseStream.Length - r.BaseStream.Position} bytes more than its shapes account for");
        }
        if (rest.Length != 0) throw new ModelException("payload has bytes after the last section");
        if (metadata is null) throw new ModelException("metadata section is missing");
        floatNetwork = AttachAttention(floatNetwork, floatAttention);
        integerNetwork = AttachAttention(integerNetwork, integerAttention);
        if ((floatAttention is not null || integerAttention is not null) && version < AttentionVersion)
            throw new ModelException($"attention sections in a version {version} file (they need version {AttentionVersion}): the file is inconsistent");
        return new EdgeModel(metadata, floatNetwork, integerNetwork);
    }

    private static FloatNetwork? AttachAttention(FloatNetwork? network, AttentionPooling? attention)
    {
        if (attention is null) return network;
        if (network is null) throw new ModelException("section 'ATTF' holds an attention head but the file has no float network");
        return new FloatNetwork(network.Layers, network.Head, attention);
    }

    private static QuantizedNetwork? AttachAttention(QuantizedNetwork? network, QuantizedAttention? attention)
    {
        if (attention is null) return network;
        if (network is null) throw new ModelException("section 'ATTI' holds an attention head but the file has no integer network");
        return new QuantizedNetwork(network.InputOffset, network.InputMultiplier, network.Layers, network.Head, attention);
    }

    private static (int Steps, int Hidden, int Size) ReadAttentionShape(BinaryReader r)
    {
        int steps = r.ReadInt32();
        if (steps < 1 || steps > AttentionPooling.MaxSteps) throw new ModelException($"attention window of {steps} steps is outside [1, {AttentionPooling.MaxSteps}]");
        return (steps, ReadSize(r, "attention hidden size"), ReadSize(r, "attention size"));
    }

    private static AttentionPooling ReadFloatAttention(BinaryReader r)
    {
        var (steps, hidden, size) = ReadAttentionShape(r);
        var a = new AttentionPooling(hidden, size, steps);
        ReadRaw(r, a.W); ReadRaw(r, a.B); ReadRaw(r, a.V);
        return a;
    }

    private static QuantizedAttention ReadIntegerAttention(BinaryReader r)
    {
        var (steps, hidden, size) = ReadAttentionShape(r);
        return new QuantizedAttention(steps, ReadMatrix(r, size, hidden), ReadArray<int>(r, size), ReadMatrix(r, 1, size));
    }

    private static string TagName(uint tag)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, tag);
        return System.Text.Encoding.ASCII.GetString(b);
    }

    private static ModelMetadata ReadMetadata(BinaryReader r)
    {
        var m = new ModelMetadata { Name = r.ReadString() };
        int labels = r.ReadUInt16();
        for (int i = 0; i < labels; i++) m.Labels.Add(r.ReadString());
        int channels = r.ReadUInt16();
        for (int i = 0; i < channels; i++) m.Channels.Add(new InputChannel(r.ReadString(), r.ReadString()));
        m.SampleRateHz = r.ReadSingle();
        m.Mean = ReadCounted(r);
        m.Std = ReadCounted(r);
        byte mode = r.ReadByte();
        if (mode is not ((byte)ClassificationMode.Streaming or (byte)ClassificationMode.Windowed))
            throw new ModelException($"unknown classification mode {mode}");
        m.Mode = (ClassificationMode)mode;
        m.Window = r.ReadInt32();
        m.Hop = r.ReadInt32();
        int props = r.ReadUInt16();
        for (int i = 0; i < props; i++) m.Properties.Add(new(r.ReadString(), r.ReadString()));
        return m;
    }

    private static FloatNetwork ReadFloat(BinaryReader r)
    {
        int count = r.ReadUInt16();
        var layers = new List<RecurrentLayer>();
        for (int i = 0; i < count; i++) layers.Add(ReadRecord(r, i, ReadFloatLayer));
        var head = new DenseLayer(ReadSize(r, "head input size"), ReadSize(r, "head output size"));
        ReadRaw(r, head.W);
        ReadRaw(r, head.B);
        return new FloatNetwork(layers, head);
    }

    private static RecurrentLayer ReadFloatLayer(BinaryReader r, int i)
    {
        var kind = ReadKind(r, i);
        int inputs = ReadSize(r, "input size"), hidden = ReadSize(r, "hidden size");
        byte flags = r.ReadByte();
        var l = new RecurrentLayer(kind, inputs, hidden)
        {
            InputForget = (flags & FlagInputForget) != 0,
            LinearBeforeReset = (flags & FlagLinearBeforeReset) != 0,
            Clip = r.ReadSingle(),
        };
        ReadRaw(r, l.W); ReadRaw(r, l.R); ReadRaw(r, l.Wb); ReadRaw(r, l.Rb);
        if ((flags & FlagPeepholes) != 0) ReadRaw(r, l.Peepholes = new float[3 * hidden]);
        l.Definition.ReadFloatFields(r, l);
        return l;
    }

    /// <summary>Reads one length-prefixed layer record and checks that its shapes account for exactly its bytes.</summary>
    private static T ReadRecord<T>(BinaryReader r, int index, Func<BinaryReader, int, T> read)
    {
        int length = r.ReadInt32();
        if (length < 0 || length > r.BaseStream.Length - r.BaseStream.Position)
            throw new ModelException($"layer {index}: record length {length} exceeds its section");
        using var record = new BinaryReader(new MemoryStream(r.ReadBytes(length)), System.Text.Encoding.UTF8);
        T layer;
        try
        {
            layer = read(record, index);
        }
        catch (EndOfStreamException)
        {
            throw new ModelException($"layer {index}: inconsistent shapes: its sizes need more than its {length} stored bytes");
        }
        if (record.BaseStream.Position != length)
            throw new ModelException($"layer {index}: inconsistent shapes: its sizes account for {record.BaseStream.Position} of its {length} stored bytes");
        return layer;
    }

    private static QuantizedNetwork ReadInteger(BinaryReader r)
    {
        int inputs = ReadSize(r, "input size");
        var offsets = ReadArray<float>(r, inputs);
        var multipliers = ReadArray<float>(r, inputs);
        int count = r.ReadUInt16();
        var layers = new List<QuantizedRecurrentLayer>();
        for (int i = 0; i < count; i++) layers.Add(ReadRecord(r, i, ReadIntegerLayer));
        int headIn = ReadSize(r, "head input size"), headOut = ReadSize(r, "head output size");
        var head = new QuantizedDense(ReadMatrix(r, headOut, headIn), ReadArray<int>(r, headOut));
        return new QuantizedNetwork(offsets, multipliers, layers, head);
    }

    private static QuantizedRecurrentLayer ReadIntegerLayer(BinaryReader r, int i)
    {
        var kind = ReadKind(r, i);
        var cell = CellRegistry.For(kind);
        int inSize = ReadSize(r, "input size"), hidden = ReadSize(r, "hidden size");
        byte flags = r.ReadByte();
        float inputScale = r.ReadSingle();
        int cellFracBits = r.ReadInt32();
        int clip = r.ReadInt32();
        int rows = cell.GateCount * hidden;
        var w = ReadMatrix(r, rows, inSize);
        var rm = ReadMatrix(r, rows, hidden);
        var bias = ReadArray<int>(r, rows);
        bool lbr = (flags & FlagLinearBeforeReset) != 0;
        var fields = new IntegerLayerFields();
        cell.ReadIntegerFieldsAfterBias(r, hidden, lbr, fields);
        short[]? peep = null;
        float[]? peepScales = null;
        Requantizer[]? peepRequant = null;
        if ((flags & FlagPeepholes) != 0)
        {
            peep = ReadArray<short>(r, 3 * hidden);
            peepScales = ReadArray<float>(r, 3);
            peepRequant = ReadRequant(r, 3);
        }
        cell.ReadIntegerFields(r, inSize, hidden, fields);
        return new QuantizedRecurrentLayer
        {
            Kind = kind, InputSize = inSize, HiddenSize = hidden,
            InputForget = (flags & FlagInputForget) != 0, LinearBeforeReset = lbr,
            InputScale = inputScale, CellFracBits = cellFracBits, ClipQ12 = clip,
            W = w, R = rm, Bias = bias, CandidateRecurrentBias = fields.CandidateRecurrentBias,
            Peepholes = peep, PeepholeScales = peepScales, PeepholeRequant = peepRequant,
            Periods = fields.Periods,
            DepthW = fields.DepthW, DepthBias = fields.DepthBias, DepthPeepholes = fields.DepthPeepholes, DepthPeepholeScales = fields.DepthPeepholeScales,
            DepthRequant = fields.DepthRequant, LowerCellFracBits = fields.LowerCellFracBits,
        };
    }

    private static CellKind ReadKind(BinaryReader r, int index)
    {
        byte kind = r.ReadByte();
        if (CellRegistry.Find(kind) is null) throw new ModelException($"layer {index}: unknown layer kind {kind}");
        return (CellKind)kind;
    }

    private static int ReadSize(BinaryReader r, string what)
    {
        int v = r.ReadInt32();
        if (v <= 0 || v > 1 << 16) throw new ModelException($"{what} {v} is out of range");
        return v;
    }

    internal static QuantizedMatrix ReadMatrix(BinaryReader r, int rows, int cols) =>
        new(rows, cols, ReadArray<sbyte>(r, rows * cols), ReadArray<float>(r, rows), ReadRequant(r, rows));

    internal static Requantizer[] ReadRequant(BinaryReader r, int count)
    {
        var result = new Requantizer[count];
        for (int i = 0; i < count; i++) result[i] = new Requantizer(r.ReadInt32(), r.ReadInt32());
        return result;
    }

    private static float[] ReadCounted(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > 1 << 16) throw new ModelException($"array length {n} is out of range");
        return ReadArray<float>(r, n);
    }

    internal static T[] ReadArray<T>(BinaryReader r, int count) where T : unmanaged
    {
        var a = new T[count];
        ReadRaw(r, a);
        return a;
    }

    internal static void ReadRaw<T>(BinaryReader r, T[] destination) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(destination.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new EndOfStreamException();
    }
}
