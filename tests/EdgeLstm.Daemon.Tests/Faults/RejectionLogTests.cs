using System.Text;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// Issue 14, defect 3: rejections are logged, without flooding: the first of each reason with the
/// record cut short and what was expected, then at most one summary per interval of what was
/// rejected since, and a last summary when the input ends.
/// </summary>
public class RejectionLogTests
{
    [Fact]
    public async Task The_first_rejection_of_each_reason_is_logged_then_summaries_at_most_once_per_interval()
    {
        var log = new List<string>();
        var rejections = new RejectionLog("imu", log.Add, TimeSpan.FromMilliseconds(300));
        byte[] line = Encoding.ASCII.GetBytes("1,2,3");
        rejections.Rejected(RejectReason.WrongFieldCount, line, 3, v => $"{v} values, model needs 6: acc_x..gyro_z");
        for (int i = 0; i < 1000; i++) rejections.Rejected(RejectReason.WrongFieldCount, line, 3, v => $"{v} values");
        rejections.Rejected(RejectReason.NotAHeader, "IMU ready"u8);
        Assert.Equal([
            "source 'imu': rejected \"1,2,3\" (wrong_field_count): 3 values, model needs 6: acc_x..gyro_z; further rejections are summarized",
            "source 'imu': rejected \"IMU ready\" (not_a_header); further rejections are summarized",
        ], log);

        await Task.Delay(400);
        rejections.Rejected(RejectReason.WrongFieldCount, line, 3, v => $"{v} values");
        Assert.Equal("source 'imu': 1001 more rejected (wrong_field_count 1001)", log[2]);
        for (int i = 0; i < 5; i++) rejections.Rejected(RejectReason.NotAHeader, "hello"u8);
        Assert.Equal(3, log.Count); // within the interval: no line
        rejections.Flush();
        Assert.Equal("source 'imu': 5 more rejected (not_a_header 5)", log[3]);
        rejections.Flush();
        Assert.Equal(4, log.Count); // nothing since: no line
    }

    /// <summary>A burst of garbage, then silence: the periodic tick logs the summary once the interval passed, not at the stop.</summary>
    [Fact]
    public async Task A_burst_then_silence_is_summarized_by_the_periodic_tick()
    {
        var log = new List<string>();
        var rejections = new RejectionLog("imu", log.Add, TimeSpan.FromMilliseconds(300));
        for (int i = 0; i < 11; i++) rejections.Rejected(RejectReason.NotAHeader, "noise"u8);
        rejections.SummarizeIfDue();
        Assert.Single(log); // the first, logged; the interval has not passed
        await Task.Delay(400);
        rejections.SummarizeIfDue();
        Assert.Equal("source 'imu': 10 more rejected (not_a_header 10)", log[1]);
        rejections.SummarizeIfDue();
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void A_long_or_binary_record_is_cut_short_and_escaped()
    {
        string excerpt = RejectionLog.Excerpt([.. Encoding.ASCII.GetBytes(new string('7', 100)), 0x01]);
        Assert.Equal($"\"{new string('7', RejectionLog.ExcerptLength)}\"... (101 bytes)", excerpt);
        Assert.Equal("\"a\\x01\\xFF\\x22\"", RejectionLog.Excerpt([(byte)'a', 0x01, 0xFF, (byte)'"']));
    }
}
