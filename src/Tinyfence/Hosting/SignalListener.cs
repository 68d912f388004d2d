using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Hosting;

/// <summary>
/// The daemon's signals: SIGHUP reloads, SIGTERM/SIGINT stop (a second one stops at once),
/// SIGUSR1 pauses checking and SIGUSR2 resumes it (sysfence paused on SIGUSR1; without a handler
/// that signal would kill the guard). The handlers only set flags and wake the main loop: the work
/// happens on the main loop's thread. (PosixSignal has no names for SIGUSR1 and SIGUSR2: their
/// numbers are allowed as values.)
/// </summary>
public sealed class SignalListener : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private readonly ManualResetEventSlim _wake;
    private volatile bool _reload;
    private volatile bool _paused;
    private int _stopCount;

    public SignalListener(ManualResetEventSlim wake)
    {
        _wake = wake;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create((PosixSignal)Libc.SIGUSR1, OnSignal),
            PosixSignalRegistration.Create((PosixSignal)Libc.SIGUSR2, OnSignal),
        ];
    }

    public bool StopRequested => Volatile.Read(ref _stopCount) > 0;

    /// <summary>A second SIGTERM or SIGINT: do not wait for running commands any longer.</summary>
    public bool StopNowRequested => Volatile.Read(ref _stopCount) > 1;

    public bool Paused => _paused;

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
        switch ((int)context.Signal)
        {
            case Libc.SIGUSR1:
                _paused = true;
                break;
            case Libc.SIGUSR2:
                _paused = false;
                break;
            default:
                if (context.Signal == PosixSignal.SIGHUP)
                {
                    _reload = true;
                }
                else
                {
                    Interlocked.Increment(ref _stopCount);
                }

                break;
        }

        _wake.Set();
    }
}
