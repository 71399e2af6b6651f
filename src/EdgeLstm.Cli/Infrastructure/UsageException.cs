namespace EdgeLstm.Cli;

/// <summary>A command was asked for something that does not make sense; the message says why.</summary>
public sealed class UsageException(string message) : Exception(message);
