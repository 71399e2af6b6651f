using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// Unsent messages on disk, so they survive a restart while the broker is away. Records are
/// [u32 body length][u32 CRC-32 of body][body: u8 qos, u8 retain, u16 topic length, topic
/// UTF-8, payload], little-endian; a torn or corrupted record (power cut mid-write) ends the
/// read and is counted, never crashes the daemon.
/// </summary>
public static class MessageSpool
{
    private const int MaxRecord = 16 << 20;

    public static void Save(string path, IEnumerable<MqttMessage> messages)
    {
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Span<byte> header = stackalloc byte[8];
            foreach (var m in messages)
            {
                byte[] topic = Encoding.UTF8.GetBytes(m.Topic);
                var body = new byte[4 + topic.Length + m.Payload.Length];
                body[0] = (byte)m.Qos;
                body[1] = m.Retain ? (byte)1 : (byte)0;
                BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)topic.Length);
                topic.CopyTo(body, 4);
                m.Payload.Span.CopyTo(body.AsSpan(4 + topic.Length));
                BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)body.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(body));
                file.Write(header);
                file.Write(body);
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true); // readers see the old spool or the whole new one
    }

    /// <summary>Reads every intact record and deletes the file; returns the messages and the number of damaged bytes skipped.</summary>
    public static (List<MqttMessage> Messages, long DamagedBytes) Take(string path)
    {
        var messages = new List<MqttMessage>();
        if (!File.Exists(path)) return (messages, 0);
        byte[] data = File.ReadAllBytes(path);
        int at = 0;
        while (at + 8 <= data.Length)
        {
            int length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at)), int.MaxValue);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 4));
            if (length < 4 || length > MaxRecord || at + 8 + length > data.Length) break;
            var body = data.AsSpan(at + 8, length);
            if (Crc32.HashToUInt32(body) != crc) break;
            int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
            if (4 + topicLength > length) break;
            messages.Add(new MqttMessage(Encoding.UTF8.GetString(body.Slice(4, topicLength)), body[(4 + topicLength)..].ToArray(), body[0], body[1] != 0));
            at += 8 + length;
        }
        File.Delete(path);
        return (messages, data.Length - at);
    }
}
