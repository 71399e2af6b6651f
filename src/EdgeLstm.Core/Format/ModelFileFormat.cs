namespace EdgeLstm.Core.Format;

/// <summary>
/// Constants of the model file (docs/model-format.md). Layout, little-endian:
/// magic "ELSTMMDL" (8 bytes), u16 format version, u16 reserved (0), u32 section count,
/// u64 payload length, u32 CRC-32 (IEEE) of the payload, then the payload: sections of
/// [u32 tag][u32 length][length bytes]. Readers skip sections whose tag they do not know, so
/// files can grow new sections without breaking older readers of the same version.
/// </summary>
public static class ModelFileFormat
{
    public static ReadOnlySpan<byte> Magic => "ELSTMMDL"u8;
    /// <summary>The newest version this build reads. Files are written with the oldest version that can hold them.</summary>
    public const ushort Version = 2;

    /// <summary>Files without new head kinds: what every reader of version 1 loads.</summary>
    public const ushort BaseVersion = 1;

    /// <summary>
    /// Files with an attention head. A version-1 reader would skip the attention sections and
    /// silently run the model as a last-state model; the version bump makes it refuse instead.
    /// </summary>
    public const ushort AttentionVersion = 2;
    public const int HeaderSize = 8 + 2 + 2 + 4 + 8 + 4;

    /// <summary>Refuse payloads above this size before allocating (a corrupted length field must not exhaust memory).</summary>
    public const long MaxPayload = 256L << 20;

    public const uint MetadataTag = 0x4154454D;  // "META"
    public const uint FloatTag = 0x30544C46;     // "FLT0"
    public const uint IntegerTag = 0x30544E49;   // "INT0"
    public const uint FloatAttentionTag = 0x46545441;   // "ATTF": the float network's attention pooling
    public const uint IntegerAttentionTag = 0x49545441; // "ATTI": the integer network's attention pooling

    /// <summary>Layer flag bits.</summary>
    public const byte FlagPeepholes = 1, FlagInputForget = 2, FlagLinearBeforeReset = 4;
}
