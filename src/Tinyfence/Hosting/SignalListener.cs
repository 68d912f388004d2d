using System.Runtime.InteropServices;

namespace Tinyfence.Hosting;

/// <summary>
/// Turns SIGHUP into a reload request and SIGTERM/SIGINT into a stop request, and wakes the main
/// loop. The handlers only set flags: the work happens on the main loop's thread.
/// </summary>
public sealed class SignalListener : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private readonly ManualResetEventSlim _wake;
    private volatile bool _reload;
    private volatile bool _stop;

    public SignalListener(ManualResetEventSlim wake)
    {
        _wake = wake;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    public bool StopRequested => _stop;

    /// <summary>True once per SIGHUP (several SIGHUPs before the loop sees them make one reload).</summary>
    public bool TakeReloadRequest()
    {
        if (!_reload)
        {
            return false;
        }

        _reload = false;
        return true;
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Handled here: the runtime must not terminate the process itself.
        context.Cancel = true;
        if (context.Signal == PosixSignal.SIGHUP)
        {
            _reload = true;
        }
        else
        {
            _stop = true;
        }

        _wake.Set();
    }
}
