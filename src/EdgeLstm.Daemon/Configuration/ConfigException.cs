namespace EdgeLstm.Daemon.Configuration;

/// <summary>Every problem found in a configuration, each naming the option it concerns.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors) : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
