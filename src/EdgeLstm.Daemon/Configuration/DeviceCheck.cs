using System.Runtime.InteropServices;

namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// `run --check`'s look at the serial devices a configuration names (sources and sinks): present,
/// a character device, and readable and writable by this user. It asks the kernel with access(2)
/// instead of opening the port, because opening toggles DTR and resets many boards (an Arduino
/// restarts its sketch), and a running service holds the port exclusively. A device that is absent
/// is a warning, not an error: it may be plugged in later (a source waits for it; a sink drops its
/// lines, counted, until it can open it).
/// </summary>
public static partial class DeviceCheck
{
    private const int ReadAndWrite = 4 | 2; // R_OK | W_OK

    /// <summary>One error per unusable device, named by its option path (an absent device is a warning instead).</summary>
    /// <param name="sinks">Whether to look at the serial sinks too (`record` writes to none of them).</param>
    public static IReadOnlyList<string> Errors(DaemonConfig config, bool sinks = true) => Look(config, sinks, warnings: false);

    /// <summary>One warning per serial device absent now: the service would start without it and open it when it appears.</summary>
    /// <param name="sinks">Whether to look at the serial sinks too.</param>
    public static IReadOnlyList<string> Warnings(DaemonConfig config, bool sinks = true) => Look(config, sinks, warnings: true);

    private static List<string> Look(DaemonConfig config, bool sinks, bool warnings)
    {
        var errors = new List<string>();
        var absent = new List<string>();
        for (int i = 0; i < config.Sources.Count; i++)
            if (config.Sources[i].Type == "serial" && !string.IsNullOrEmpty(config.Sources[i].Path))
                Check(config.Sources[i].Path!, $"sources[{i}].path", errors, absent);
        for (int i = 0; sinks && i < config.Sinks.Count; i++)
            if (config.Sinks[i].Type == "serial" && !string.IsNullOrEmpty(config.Sinks[i].Path))
                Check(config.Sinks[i].Path!, $"sinks[{i}].path", errors, absent);
        return warnings ? absent : errors;
    }

    /// <summary>Whether a device path names something present now (following links).</summary>
    public static bool Present(string path)
    {
        var info = new FileInfo(path);
        FileSystemInfo? target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
        return target is not null && (target.Exists || Directory.Exists(target.FullName));
    }

    private static void Check(string path, string at, List<string> errors, List<string> absent)
    {
        if (!Present(path))
        {
            absent.Add($"{at}: device '{path}' not found (unplugged, or a different name: see /dev/serial/by-id)");
            return;
        }
        var info = new FileInfo(path);
        FileSystemInfo target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true)!;
        if (Directory.Exists(target.FullName) || target is FileInfo { Length: > 0 })
        {
            errors.Add($"{at}: '{path}' is not a device");
            return;
        }
        if (Access(path, ReadAndWrite) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            errors.Add(errno == 13
                ? $"{at}: permission denied on '{path}' (add the user to the device's group, usually dialout)"
                : $"{at}: '{path}' cannot be opened for reading and writing (errno {errno})");
        }
    }

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
