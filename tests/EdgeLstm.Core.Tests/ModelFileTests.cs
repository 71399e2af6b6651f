using System.Buffers.Binary;
using System.IO.Hashing;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Tests;

public class ModelFileTests
{
    private static readonly EdgeModel Model = TestModels.Quantized("peephole", hidden: 12, layers: 2);

    [Theory]
    [MemberData(nameof(TestModels.Variants), MemberType = typeof(TestModels))]
    public void Round_trip_preserves_bytes_and_integer_outputs(string variant)
    {
        var model = TestModels.Quantized(variant, hidden: 10, layers: 2);
        model.Metadata.Properties.Add(new("note", "ünïcode ✓"));
        var bytes = ModelFileWriter.ToBytes(model);
        var loaded = ModelFileReader.FromBytes(bytes);
        Assert.Equal(bytes, ModelFileWriter.ToBytes(loaded));
        Assert.Equal("ünïcode ✓", loaded.Metadata.Property("note"));
        var a = model.CreateIntegerSession();
        var b = loaded.CreateIntegerSession();
        foreach (var x in TestModels.Inputs(9, 3)[0])
        {
            a.Step(x);
            b.Step(x);
            Assert.Equal(a.Logits.ToArray(), b.Logits.ToArray());
        }
    }

    [Fact]
    public void Stripped_model_keeps_only_the_integer_form()
    {
        var loaded = ModelFileReader.FromBytes(ModelFileWriter.ToBytes(Model.StripFloat()));
        Assert.Null(loaded.Float);
        Assert.NotNull(loaded.Integer);
        var e = Assert.Throws<ModelException>(() => loaded.CreateFloatSession());
        Assert.Contains("no float network", e.Message);
    }

    [Fact]
    public void Wrong_magic_is_named() => AssertFails(b => b[0] = (byte)'X', "wrong magic", fixCrc: false);

    [Fact]
    public void Newer_version_is_named() =>
        AssertFails(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), 9), "format version 9 is newer", fixCrc: false);

    [Fact]
    public void Corruption_is_caught_by_the_checksum() => AssertFails(b => b[^100] ^= 0x40, "checksum mismatch", fixCrc: false);

    [Fact]
    public void Truncation_is_named()
    {
        var bytes = ModelFileWriter.ToBytes(Model);
        var e = Assert.Throws<ModelException>(() => ModelFileReader.FromBytes(bytes.AsSpan(0, bytes.Length - 7)));
        Assert.Contains("truncated", e.Message);
        e = Assert.Throws<ModelException>(() => ModelFileReader.FromBytes(bytes.AsSpan(0, 20)));
        Assert.Contains("truncated header", e.Message);
    }

    [Fact]
    public void Unknown_layer_kind_is_named() =>
        AssertFails(b => b[FirstLayerKindOffset(b, ModelFileFormat.FloatTag)] = 9, "unknown layer kind 9");

    [Fact]
    public void Inconsistent_shapes_are_named() =>
        // Claim a hidden size of 13 for the first float layer: the arrays no longer add up.
        AssertFails(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(FirstLayerKindOffset(b, ModelFileFormat.FloatTag) + 5), 13), "inconsistent shapes");

    [Fact]
    public void Out_of_range_quantization_parameters_are_named() =>
        // Cell fraction bits of the first integer layer set to 40.
        AssertFails(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(FirstIntegerLayerOffset(b) + 14), 40), "cell fraction bits 40");

    [Fact]
    public void Unknown_sections_are_skipped()
    {
        var bytes = ModelFileWriter.ToBytes(Model);
        var extra = new byte[] { (byte)'N', (byte)'E', (byte)'W', (byte)'1', 3, 0, 0, 0, 1, 2, 3 };
        var grown = bytes.Concat(extra).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(grown.AsSpan(12), BinaryPrimitives.ReadUInt32LittleEndian(grown.AsSpan(12)) + 1);
        BinaryPrimitives.WriteUInt64LittleEndian(grown.AsSpan(16), (ulong)(grown.Length - ModelFileFormat.HeaderSize));
        FixCrc(grown);
        Assert.NotNull(ModelFileReader.FromBytes(grown).Integer);
    }

    private static void AssertFails(Action<byte[]> corrupt, string expected, bool fixCrc = true)
    {
        var bytes = ModelFileWriter.ToBytes(Model);
        corrupt(bytes);
        if (fixCrc) FixCrc(bytes);
        var e = Assert.Throws<ModelException>(() => ModelFileReader.FromBytes(bytes));
        Assert.Contains(expected, e.Message);
    }

    private static void FixCrc(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), Crc32.HashToUInt32(bytes.AsSpan(ModelFileFormat.HeaderSize)));

    private static int SectionOffset(byte[] b, uint tag)
    {
        int p = ModelFileFormat.HeaderSize;
        while (BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p)) != tag)
            p += 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p + 4));
        return p + 8;
    }

    /// <summary>Float section: u16 layer count, i32 record length, then the first layer's kind byte.</summary>
    private static int FirstLayerKindOffset(byte[] b, uint tag) => SectionOffset(b, tag) + 2 + 4;

    /// <summary>Integer section: i32 inputs, 2 float arrays, u16 count, then kind, sizes, flags, scale, cell bits.</summary>
    private static int FirstIntegerLayerOffset(byte[] b) => SectionOffset(b, ModelFileFormat.IntegerTag) + 4 + 8 * Model.InputSize + 2 + 4;
}
