using System.Buffers.Binary;
using System.IO.Hashing;

namespace EdgeLstm.Firmware.Tests;

/// <summary>One binary frame of docs/protocol.md as the firmware sends it (int16, one sample).</summary>
internal sealed record Frame(byte Version, byte Format, ushort StreamId, byte Channels, byte Samples,
                             uint Sequence, ulong TimestampMicros, uint IntervalMicros, short[] Values);

/// <summary>
/// A strict reading of the firmware's frame stream: the bytes must be frames back to back, each
/// with a valid CRC. Independent of the daemon's resynchronizing decoder on purpose: here any
/// byte out of place is a firmware fault, not line noise to skip.
/// </summary>
internal static class FrameStream
{
    public const int HeaderSize = 24, CrcSize = 4;

    /// <summary>The complete frames at the start of <paramref name="bytes"/>, and the count of CRC mismatches.</summary>
    public static (List<Frame> Frames, int ChecksumErrors, int Consumed) Read(byte[] bytes)
    {
        var frames = new List<Frame>();
        int errors = 0, at = 0;
        while (bytes.Length - at >= HeaderSize)
        {
            var header = bytes.AsSpan(at, HeaderSize);
            Assert.True(header[0] == 0xA5 && header[1] == 0x5A, $"no sync word at byte {at}");
            byte channels = header[6], samples = header[7];
            int size = HeaderSize + 2 * channels * samples + CrcSize;
            if (bytes.Length - at < size) break;
            var frame = bytes.AsSpan(at, size);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[^CrcSize..]);
            if (Crc32.HashToUInt32(frame[2..^CrcSize]) != crc) errors++;
            var values = new short[channels * samples];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt16LittleEndian(frame[(HeaderSize + 2 * i)..]);
            frames.Add(new Frame(header[2], header[3], BinaryPrimitives.ReadUInt16LittleEndian(header[4..]), channels, samples,
                BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), BinaryPrimitives.ReadUInt64LittleEndian(header[12..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[20..]), values));
            at += size;
        }
        return (frames, errors, at);
    }
}
