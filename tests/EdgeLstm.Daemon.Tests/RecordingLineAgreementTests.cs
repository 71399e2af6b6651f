using System.Text;
using EdgeLstm.Core.Recordings;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// The file reader (<see cref="RecordingFile"/>) and the daemon's <see cref="TextLineDecoder"/>
/// split by the same <see cref="RecordingLine"/> rules, so on tricky lines they agree: every
/// sample the file gives, the decoder gives identically with nothing refused; where the file is
/// refused, the decoder refuses something too (files are strict, streams count and go on).
/// </summary>
public class RecordingLineAgreementTests
{
    public static TheoryData<string, bool> Lines => new()
    {
        { "a,b,label\n1,2,walk\n", true },
        { "a,b\n1,2,\n", true },                                 // one trailing separator
        { "a,b,label\n1,2,\n3,4,sit\n", true },                  // empty last label
        { "a,b,label\n1,2,,\n", true },                          // empty label and a trailing separator
        { "a b label\n 1   2  walk \n", true },                  // runs of spaces
        { "a\tb\tlabel\n1\t2\twalk\t\n", true },                 // tabs, trailing tab
        { "time\tlabel\ta\n0.5\t\t3\n", true },                  // tabs: an empty field inside counts
        { "TIME,A,Label\n0.25,-1e-3,x\n", true },                // time and label case-insensitively
        { "time,a\n,1\n", true },                                // empty time: unknown
        { "# comment\n\nx1,y_2,z-3.q\n# more\n1, 2 ,3\r\n", true }, // comments, blanks, CRLF, spaces around commas
        { "1,2,3\n4,5,6\n", true },                              // headerless: positional
        { "1e3 2\n-0 .5\n", true },                              // numbers, not a header
        { "a,b\n1,2\na,b\n3,4\n", true },                        // the same header again
        { "a,b\n1,NaN\n", false },
        { "a,b\n1,Infinity\n", false },
        { "NaN,Infinity\n1,2\n", false },                        // NaN is a value: a non-finite first line, not a header
        { "a,b\n1,inf\n", false },                               // not a number
        { "time,a\nNaN,1\n", false },
        { "a,b,label\n1,2\n", false },                           // too few fields
        { "a,b\n1,2,3\n", false },                               // too many fields for the header
        { "a,,b\n1,2,3\n", false },                              // an empty name: not a header, not numbers
        { "a,b\n1,2\x01\n", false },                             // a control byte
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void The_file_reader_and_the_live_decoder_agree(string text, bool fileAccepts)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        RecordingFile? file = null;
        try { file = RecordingFile.Parse(bytes, "t.csv"); }
        catch (FormatException) { }
        Assert.Equal(fileAccepts, file is not null);

        var counters = new PipelineCounters();
        var decoder = new TextLineDecoder(DecoderHarness.Options(counters), new StreamRegistry().GetOrAdd("s", "s"));
        var decoded = DecoderHarness.Run(decoder, bytes, seed: 3);
        if (file is null)
        {
            Assert.True(counters.RejectedTotal > 0, "the decoder refused nothing the file reader refused");
            return;
        }
        Assert.Equal(0, counters.RejectedTotal);
        Assert.Equal(file.Length, decoded.Count);
        for (int t = 0; t < file.Length; t++)
        {
            Assert.Equal(file.Samples.AsSpan(t * file.ChannelCount, file.ChannelCount).ToArray(), decoded[t].Values);
            Assert.Equal(file.Channels.Count == 0 ? null : file.Channels, decoded[t].Layout.Names);
            string? label = decoded[t].Label < 0 ? null : decoded[t].Layout.Labels[decoded[t].Label];
            Assert.Equal(file.Labels[t], label);
            Assert.Equal(file.Times is null ? double.NaN : file.Times[t], decoded[t].Seconds);
        }
    }

    [Theory]
    [InlineData("1,2,3", 3)]
    [InlineData("1,2,3,", 4)]
    [InlineData("1\t2\t3", 3)]
    [InlineData("1  2   3", 3)]
    [InlineData("1,,3", 3)]
    [InlineData("a b,c", 2)]
    public void Commas_win_then_tabs_then_runs_of_spaces(string line, int fields)
    {
        Span<Range> ranges = stackalloc Range[RecordingLine.MaxFields + 1];
        Assert.Equal(fields, RecordingLine.Split(Encoding.ASCII.GetBytes(line), ranges));
    }
}
