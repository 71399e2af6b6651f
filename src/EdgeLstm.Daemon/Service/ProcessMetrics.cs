using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// The process_* basics every Prometheus client exports (CPU seconds, resident and virtual memory,
/// open and maximum file descriptors, start time), read from /proc at scrape time, and the
/// edgelstm_build_info gauge (the version `--version` prints, the architecture).
/// </summary>
public static class ProcessMetrics
{
    private static readonly double StartSeconds = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>The informational version of the executable (version+commit), as `--version` prints it.</summary>
    public static string Version { get; } =
        (Assembly.GetEntryAssembly() ?? typeof(ProcessMetrics).Assembly).GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static void Write(PrometheusText text)
    {
        using var self = Process.GetCurrentProcess();
        text.Gauge("edgelstm_build_info", "Always 1: the version and architecture of the running build", 1,
                ("version", Version), ("arch", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()))
            .Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds", Math.Round(self.TotalProcessorTime.TotalSeconds, 3))
            .Gauge("process_resident_memory_bytes", "Resident memory size in bytes", self.WorkingSet64)
            .Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes", self.VirtualMemorySize64)
            .Gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds", StartSeconds);
        if (OpenFds() is { } open) text.Gauge("process_open_fds", "Number of open file descriptors", open);
        if (MaxFds() is { } max) text.Gauge("process_max_fds", "Maximum number of open file descriptors", max);
    }

    private static int? OpenFds()
    {
        try { return Directory.GetFiles("/proc/self/fd").Length; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The soft limit of "Max open files" in /proc/self/limits.</summary>
    private static double? MaxFds()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return double.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out double soft) ? soft : null;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
