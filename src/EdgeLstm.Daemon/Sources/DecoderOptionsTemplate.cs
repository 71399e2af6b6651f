using EdgeLstm.Daemon.Decoding;

namespace EdgeLstm.Daemon.Sources;

/// <summary>Per-source decoding limits, before the pipeline's counters exist.</summary>
/// <param name="ExpectedNames">Column names a header must name to be taken at once (the model's channels, or the configured columns).</param>
public sealed record DecoderOptionsTemplate(int MaxLineLength = DecoderOptions.DefaultMaxLineLength, int PositionalColumns = 0,
                                            IReadOnlyList<string>? ExpectedNames = null);
