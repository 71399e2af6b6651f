using System.Runtime.InteropServices;

namespace EdgeLstm.Cli;

/// <summary>
/// SIGHUP as a reload request (systemd's ExecReload= sends it): the default termination is
/// cancelled and the reload runs on a pool thread, never on the runtime's signal thread; reloads
/// asked for while one runs are done one after the other.
/// </summary>
public sealed class ReloadSignal : IDisposable
{
    private readonly PosixSignalRegistration _registration;
    private readonly Action _reload;
    private readonly Lock _gate = new();

    public ReloadSignal(Action reload)
    {
        _reload = reload;
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle);
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        ThreadPool.QueueUserWorkItem(_ =>
        {
            lock (_gate) _reload();
        });
    }

    public void Dispose() => _registration.Dispose();
}
