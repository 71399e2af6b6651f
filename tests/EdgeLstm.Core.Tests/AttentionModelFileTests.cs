using System.Buffers.Binary;
using System.IO.Hashing;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// The attention sections ATTF and ATTI: round trips, the version they need, and corrupted or
/// inconsistent sections each failing with a message that names the problem.
/// </summary>
public class AttentionModelFileTests
{
    private static readonly EdgeModel Model = AttentionModels.Quantized(hidden: 10, layers: 2, steps: 12);

    [Fact]
    public void Round_trip_preserves_bytes_head_and_outputs()
    {
        var bytes = ModelFileWriter.ToBytes(Model);
        Assert.Equal(ModelFileFormat.AttentionVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        var loaded = ModelFileReader.FromBytes(bytes);
        Assert.Equal(HeadKind.Attention, loaded.HeadKind);
        Assert.Equal(bytes, ModelFileWriter.ToBytes(loaded));
        var a = Model.CreateIntegerSession();
        var b = loaded.CreateIntegerSession();
        foreach (var x in AttentionModels.Windows(9, 12, 1, 3)[0]) { a.Step(x); b.Step(x); }
        Assert.Equal(a.Logits.ToArray(), b.Logits.ToArray());
        var stripped = ModelFileReader.FromBytes(ModelFileWriter.ToBytes(loaded.StripFloat()));
        Assert.Equal(HeadKind.Attention, stripped.HeadKind);
    }

    [Fact]
    public void Models_without_attention_are_still_written_as_version_1()
    {
        var bytes = ModelFileWriter.ToBytes(TestModels.Quantized("lstm", hidden: 8));
        Assert.Equal(ModelFileFormat.BaseVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(HeadKind.Last, ModelFileReader.FromBytes(bytes).HeadKind);
    }

    [Fact]
    public void Attention_sections_in_a_version_1_file_are_inconsistent() =>
        AssertFails(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), 1), "need version 2");

    [Fact]
    public void A_hidden_size_that_does_not_match_the_top_layer_is_named() =>
        AssertFails(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(SectionOffset(b, ModelFileFormat.FloatAttentionTag) + 4), 11),
            "shorter than its contents");

    [Fact]
    public void A_window_out_of_range_is_named() =>
        AssertFails(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(SectionOffset(b, ModelFileFormat.IntegerAttentionTag)), 100_000),
            "attention window of 100000 steps");

    [Fact]
    public void Float_and_integer_windows_that_disagree_are_named() =>
        AssertFails(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(SectionOffset(b, ModelFileFormat.IntegerAttentionTag)), 13),
            "disagree on their window");

    [Fact]
    public void An_out_of_range_score_requantizer_is_named() =>
        // The last 8 bytes of ATTI are v's requantizer (multiplier, shift): a shift of 60 is outside the engine's range.
        AssertFails(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(SectionOffset(b, ModelFileFormat.IntegerAttentionTag) + SectionLength(b, ModelFileFormat.IntegerAttentionTag) - 4), 60),
            "integer attention v");

    [Fact]
    public void A_float_attention_section_without_a_float_network_is_named()
    {
        // Rename the float network's section: it is skipped as unknown, its attention section stays.
        AssertFails(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(SectionOffset(b, ModelFileFormat.FloatTag) - 8), 0x5A5A5A5A),
            "no float network");
    }

    [Fact]
    public void A_truncated_attention_section_is_named() =>
        AssertFails(b =>
        {
            int at = SectionOffset(b, ModelFileFormat.FloatAttentionTag);
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at + 8), 3); // claim 3 rows of W instead of 10: bytes left over
        }, "bytes more than its shapes account for");

    private static void AssertFails(Action<byte[]> corrupt, string expected)
    {
        var bytes = ModelFileWriter.ToBytes(Model);
        corrupt(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), Crc32.HashToUInt32(bytes.AsSpan(ModelFileFormat.HeaderSize)));
        var e = Assert.Throws<ModelException>(() => ModelFileReader.FromBytes(bytes));
        Assert.Contains(expected, e.Message);
    }

    private static int SectionOffset(byte[] b, uint tag)
    {
        int p = ModelFileFormat.HeaderSize;
        while (BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p)) != tag)
            p += 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p + 4));
        return p + 8;
    }

    private static int SectionLength(byte[] b, uint tag) => (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(SectionOffset(b, tag) - 4));
}
