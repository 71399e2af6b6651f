using System.Buffers.Binary;
using System.IO.Hashing;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>Sample encodings a frame may carry (docs/protocol.md).</summary>
public enum SampleFormat : byte
{
    Int16 = 1,
    Float32 = 2,
}

/// <summary>
/// The binary frame of docs/protocol.md: little-endian, a two-byte sync word, a 24-byte header,
/// samples, and a CRC-32 (IEEE 802.3, as System.IO.Hashing.Crc32) over everything after the sync word.
/// </summary>
public static class BinaryFrame
{
    public const byte Sync0 = 0xA5, Sync1 = 0x5A, Version = 1;
    public const int HeaderSize = 24, CrcSize = 4;
    public const int MaxChannels = 32, MaxSamples = 32;
    public const int MaxSize = HeaderSize + MaxChannels * MaxSamples * 4 + CrcSize;

    // Header field offsets.
    public const int OffVersion = 2, OffFormat = 3, OffStreamId = 4, OffChannels = 6, OffSamples = 7,
        OffSequence = 8, OffTimestamp = 12, OffInterval = 20;

    public static int ValueSize(SampleFormat format) => format == SampleFormat.Int16 ? 2 : 4;

    public static int Size(SampleFormat format, int channels, int samples) => HeaderSize + channels * samples * ValueSize(format) + CrcSize;

    /// <summary>
    /// Writes one frame; returns its size. <paramref name="values"/> holds samples × channels values
    /// (int16 frames round and saturate them). Timestamp in microseconds (0: none).
    /// </summary>
    public static int Write(Span<byte> destination, SampleFormat format, ushort streamId, uint sequence, ulong timestampMicros,
                            uint intervalMicros, int channels, ReadOnlySpan<float> values)
    {
        int samples = values.Length / channels;
        if (channels is < 1 or > MaxChannels || samples is < 1 or > MaxSamples || samples * channels != values.Length)
            throw new ArgumentException($"a frame holds 1-{MaxSamples} samples of 1-{MaxChannels} channels", nameof(values));
        int size = Size(format, channels, samples);
        var f = destination[..size];
        f[0] = Sync0; f[1] = Sync1; f[OffVersion] = Version; f[OffFormat] = (byte)format;
        BinaryPrimitives.WriteUInt16LittleEndian(f[OffStreamId..], streamId);
        f[OffChannels] = (byte)channels; f[OffSamples] = (byte)samples;
        BinaryPrimitives.WriteUInt32LittleEndian(f[OffSequence..], sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(f[OffTimestamp..], timestampMicros);
        BinaryPrimitives.WriteUInt32LittleEndian(f[OffInterval..], intervalMicros);
        var payload = f[HeaderSize..(size - CrcSize)];
        for (int i = 0; i < values.Length; i++)
        {
            if (format == SampleFormat.Int16)
                BinaryPrimitives.WriteInt16LittleEndian(payload[(2 * i)..], (short)Math.Clamp(MathF.Round(values[i]), short.MinValue, short.MaxValue));
            else
                BinaryPrimitives.WriteSingleLittleEndian(payload[(4 * i)..], values[i]);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(f[(size - CrcSize)..], Crc32.HashToUInt32(f[2..(size - CrcSize)]));
        return size;
    }
}
