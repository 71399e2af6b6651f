namespace EdgeLstm.Core.Recordings;

/// <summary>What a field of a recording line holds when read as a number (docs/protocol.md "Text lines").</summary>
public enum FieldValue
{
    /// <summary>A finite number in invariant culture.</summary>
    Number,

    /// <summary>Not a number at all (a word, an empty field where a value is needed).</summary>
    NotANumber,

    /// <summary>`NaN`, `Infinity` or `-Infinity`, or a value beyond float range: refused.</summary>
    NonFinite,
}
