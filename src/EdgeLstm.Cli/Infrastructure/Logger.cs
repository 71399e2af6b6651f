namespace EdgeLstm.Cli;

/// <summary>Log levels, most severe first: a level shows its own lines and those above it.</summary>
public enum LogLevel
{
    Error,
    Warning,
    Info,
    Debug,
}

/// <summary>
/// One line per event on stderr, filtered by level (`--log-level`, `service.logLevel`; info by
/// default). Under systemd (JOURNAL_STREAM set) each line starts with its syslog priority
/// (`&lt;3&gt;` error ... `&lt;7&gt;` debug), which journald turns into the entry's priority, so
/// `journalctl -p warning -u edgelstm` works.
/// </summary>
public static class Logger
{
    private static readonly bool Journal = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));
    private static volatile int _level = (int)LogLevel.Info;

    public static LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    public static bool TryParse(string? text, out LogLevel level)
    {
        (bool ok, level) = text switch
        {
            "error" => (true, LogLevel.Error),
            "warning" => (true, LogLevel.Warning),
            "info" => (true, LogLevel.Info),
            "debug" => (true, LogLevel.Debug),
            _ => (false, LogLevel.Info),
        };
        return ok;
    }

    public static void Error(string message) => Write(LogLevel.Error, message);
    public static void Warning(string message) => Write(LogLevel.Warning, message);
    public static void Info(string message) => Write(LogLevel.Info, message);
    public static void Debug(string message) => Write(LogLevel.Debug, message);

    public static void Write(LogLevel level, string message)
    {
        if ((int)level > _level) return;
        string priority = !Journal ? "" : level switch { LogLevel.Error => "<3>", LogLevel.Warning => "<4>", LogLevel.Info => "<6>", _ => "<7>" };
        Console.Error.WriteLine($"{priority}edgelstm: {message}");
    }
}
