using System.Runtime.InteropServices;

namespace EdgeLstm.Cli;

/// <summary>
/// SIGINT and SIGTERM as a task: the default termination is cancelled so the command can drain its
/// pipeline (every accepted sample classified and written) and exit by itself.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly TaskCompletionSource<PosixSignal> _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public Task<PosixSignal> Task => _signal.Task;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _signal.TrySetResult(context.Signal);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
