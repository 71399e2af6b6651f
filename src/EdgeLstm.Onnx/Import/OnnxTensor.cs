using System.Buffers.Binary;
using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Proto;
using Google.Protobuf;
using static EdgeLstm.Onnx.Proto.TensorProto.Types;

namespace EdgeLstm.Onnx.Import;

/// <summary>
/// A dense ONNX tensor held as float32 (for float and double data) or int64 (for integer data),
/// row-major with its dims: the one shape every importer step reads values from.
/// </summary>
public sealed class OnnxTensor
{
    public OnnxTensor(long[] dims, float[] values)
    {
        Dims = dims;
        Floats = values;
        CheckCount(values.Length);
    }

    public OnnxTensor(long[] dims, long[] values)
    {
        Dims = dims;
        Ints = values;
        CheckCount(values.Length);
    }

    public long[] Dims { get; }
    public float[]? Floats { get; }
    public long[]? Ints { get; }
    public int Rank => Dims.Length;
    public long Count => Dims.Aggregate(1L, (a, d) => a * d);
    public bool IsFloat => Floats is not null;

    public string ShapeText => $"[{string.Join(", ", Dims)}]";

    /// <summary>Values as float32 (integer tensors converted).</summary>
    public float[] AsFloats() => Floats ?? Ints!.Select(v => (float)v).ToArray();

    /// <summary>Values as int64 (float tensors must hold whole numbers).</summary>
    public long[] AsInts(string what) => Ints ?? Floats!.Select(v => v == MathF.Round(v) ? (long)v : throw new ModelException($"{what} must hold whole numbers")).ToArray();

    public bool IsAllZero => Floats is not null ? Floats.All(v => v == 0) : Ints!.All(v => v == 0);

    public OnnxTensor WithDims(long[] dims) => Floats is not null ? new OnnxTensor(dims, Floats) : new OnnxTensor(dims, Ints!);

    private void CheckCount(int length)
    {
        if (Dims.Any(d => d < 0) || Count != length)
            throw new ModelException($"tensor of shape {ShapeText} holds {length} values");
    }

    /// <summary>Reads a TensorProto: typed fields or little-endian raw_data; float, double and integer types.</summary>
    internal static OnnxTensor FromProto(TensorProto t)
    {
        long[] dims = [.. t.Dims];
        string what = string.IsNullOrEmpty(t.Name) ? "tensor" : $"tensor '{t.Name}'";
        var raw = t.RawData.Span;
        bool hasRaw = t.HasRawData;
        switch ((DataType)t.DataType)
        {
            case DataType.Float:
                if (!hasRaw) return new OnnxTensor(dims, t.FloatData.ToArray());
                return new OnnxTensor(dims, Decode(raw, 4, what, b => BinaryPrimitives.ReadSingleLittleEndian(b)));
            case DataType.Double:
                if (!hasRaw) throw new ModelException($"{what}: double data outside raw_data is not supported");
                return new OnnxTensor(dims, Decode(raw, 8, what, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)));
            case DataType.Int64:
                if (!hasRaw) return new OnnxTensor(dims, t.Int64Data.ToArray());
                return new OnnxTensor(dims, Decode(raw, 8, what, BinaryPrimitives.ReadInt64LittleEndian));
            case DataType.Int32:
            case DataType.Int16:
            case DataType.Int8:
            case DataType.Uint8:
            case DataType.Uint16:
            case DataType.Bool:
                if (!hasRaw) return new OnnxTensor(dims, t.Int32Data.Select(v => (long)v).ToArray());
                return new OnnxTensor(dims, DecodeSmallInts(raw, (DataType)t.DataType, what));
            default:
                throw new ModelException($"{what}: element type {(DataType)t.DataType} is not supported");
        }
    }

    internal static OnnxTensor Read(string path)
    {
        try
        {
            return FromProto(TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelException($"{path}: not a serialized ONNX tensor ({e.Message})", e);
        }
    }

    internal TensorProto ToProto(string name)
    {
        var t = new TensorProto { Name = name };
        t.Dims.Add(Dims);
        if (Floats is not null)
        {
            t.DataType = (int)DataType.Float;
            t.FloatData.Add(Floats);
        }
        else
        {
            t.DataType = (int)DataType.Int64;
            t.Int64Data.Add(Ints!);
        }
        return t;
    }

    private delegate T Reader<out T>(ReadOnlySpan<byte> bytes);

    private static T[] Decode<T>(ReadOnlySpan<byte> raw, int size, string what, Reader<T> read)
    {
        if (raw.Length % size != 0) throw new ModelException($"{what}: raw data of {raw.Length} bytes is not whole {size}-byte elements");
        var values = new T[raw.Length / size];
        for (int i = 0; i < values.Length; i++) values[i] = read(raw.Slice(i * size, size));
        return values;
    }

    private static long[] DecodeSmallInts(ReadOnlySpan<byte> raw, DataType type, string what) => type switch
    {
        DataType.Int32 => Decode(raw, 4, what, b => (long)BinaryPrimitives.ReadInt32LittleEndian(b)),
        DataType.Int16 => Decode(raw, 2, what, b => (long)BinaryPrimitives.ReadInt16LittleEndian(b)),
        DataType.Uint16 => Decode(raw, 2, what, b => (long)BinaryPrimitives.ReadUInt16LittleEndian(b)),
        DataType.Int8 => Decode(raw, 1, what, b => (long)(sbyte)b[0]),
        _ => Decode(raw, 1, what, b => (long)b[0]),
    };
}
