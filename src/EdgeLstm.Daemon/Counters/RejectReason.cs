namespace EdgeLstm.Daemon.Counters;

/// <summary>Why a decoder refused input. Every rejection is counted under exactly one reason.</summary>
public enum RejectReason
{
    /// <summary>A text line longer than the configured limit (the whole line is skipped).</summary>
    LineTooLong,
    /// <summary>A text line with control or non-ASCII bytes: binary data on a text source.</summary>
    BinaryOnText,
    /// <summary>A data line whose field count differs from the header's (or the model's, without header).</summary>
    WrongFieldCount,
    /// <summary>A field that does not parse as a number.</summary>
    NotANumber,
    /// <summary>NaN or an infinity.</summary>
    NonFinite,
    /// <summary>Bytes skipped while looking for a frame start (counted once per run of garbage).</summary>
    Garbage,
    /// <summary>A frame header with an unknown version or format, or sizes beyond the limits.</summary>
    BadFrameHeader,
    /// <summary>A frame whose CRC-32 does not match.</summary>
    BadChecksum,
    /// <summary>A frame cut off by the end of the input.</summary>
    TruncatedFrame,
    /// <summary>More than the supported number of columns.</summary>
    TooManyColumns,
    /// <summary>
    /// A line of words that is not a header: it names none of the model's channels and the next
    /// data line does not have its width (a sketch's boot banner, a greeting).
    /// </summary>
    NotAHeader,
    /// <summary>A partial record held when its source stopped or its connection or device was lost.</summary>
    Incomplete,
    /// <summary>A JSON message that is not well-formed JSON (cut off, a stray byte, an unquoted name).</summary>
    JsonSyntax,
    /// <summary>
    /// A well-formed JSON message in none of the accepted shapes (docs/protocol.md): not an object,
    /// nested values where numbers belong, `samples` beside channels, more samples or channels than supported.
    /// </summary>
    JsonShape,
}

public static class RejectReasons
{
    public const int Count = (int)RejectReason.JsonShape + 1;

    /// <summary>The snake_case names the counters are reported under.</summary>
    public static readonly string[] Names =
    [
        "line_too_long", "binary_on_text", "wrong_field_count", "not_a_number", "non_finite",
        "garbage", "bad_frame_header", "bad_checksum", "truncated_frame", "too_many_columns",
        "not_a_header", "incomplete", "json_syntax", "json_shape",
    ];
}
