using System.Globalization;
using System.Text;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Hosting.Systemd;

/// <summary>
/// The daemon's side of a <c>Type=notify</c> systemd unit (sd_notify(3), without libsystemd):
/// <c>READY=1</c> once rules, tables and socket are up, <c>RELOADING=1</c> (with
/// <c>MONOTONIC_USEC</c>, which systemd 253 asks for) and <c>READY=1</c> around a reload,
/// <c>STOPPING=1</c>, a <c>STATUS=</c> line, and <c>WATCHDOG=1</c> from the main loop when the
/// unit sets <c>WatchdogSec=</c>, so a stuck loop gets the daemon restarted. Without
/// <c>NOTIFY_SOCKET</c> every call does nothing. Called from the main loop's thread only.
/// </summary>
internal sealed class ServiceNotifier : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogUsecVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    // A status that changes (blocked addresses come and go with every sweep) is sent at most once
    // a second: systemd keeps only the last one, and each costs it a wake-up.
    private const long StatusIntervalMs = 1000;

    // The longest message is a status line after a rejected reload: about 130 bytes.
    private const int MessageBytes = 512;

    private readonly NotifySocket? _socket;
    private readonly byte[] _buffer = new byte[MessageBytes];
    private long _nextWatchdogMs;
    private bool _statusSent;
    private ServiceStatus _sentStatus;
    private long _statusSentMs;

    private ServiceNotifier(NotifySocket? socket, long watchdogIntervalMs)
    {
        _socket = socket;
        WatchdogIntervalMs = watchdogIntervalMs;
    }

    /// <summary>How often <c>WATCHDOG=1</c> is sent (half systemd's limit, as sd_watchdog_enabled(3) advises); 0 for never.</summary>
    public long WatchdogIntervalMs { get; }

    /// <summary>The socket's name as <c>NOTIFY_SOCKET</c> gave it; null when nothing is sent.</summary>
    public string? SocketName => _socket?.Name;

    /// <summary>
    /// Reads <c>NOTIFY_SOCKET</c>, <c>WATCHDOG_USEC</c> and <c>WATCHDOG_PID</c>, and removes them
    /// from the environment the daemon's commands get (sd_notify's <c>unset_environment</c>): a
    /// command must not speak for the daemon, nor believe it is watched. The environment changed is
    /// .NET's copy, which is the one the command spawner hands to posix_spawn.
    /// </summary>
    public static ServiceNotifier FromEnvironment(Logger log)
    {
        string? socket = Environment.GetEnvironmentVariable(SocketVariable);
        string? watchdogUsec = Environment.GetEnvironmentVariable(WatchdogUsecVariable);
        string? watchdogPid = Environment.GetEnvironmentVariable(WatchdogPidVariable);
        Environment.SetEnvironmentVariable(SocketVariable, null);
        Environment.SetEnvironmentVariable(WatchdogUsecVariable, null);
        Environment.SetEnvironmentVariable(WatchdogPidVariable, null);
        return Create(socket, watchdogUsec, watchdogPid, Environment.ProcessId, log);
    }

    /// <summary>The notifier the three variables' values describe; problems are logged, never fatal.</summary>
    public static ServiceNotifier Create(string? socket, string? watchdogUsec, string? watchdogPid, int pid, Logger log)
    {
        if (string.IsNullOrEmpty(socket))
        {
            return new ServiceNotifier(null, 0);
        }

        if (NotifyAddress.Encode(socket, out string? problem) is not { } address)
        {
            log.Warning($"{SocketVariable} '{socket}' ignored: {problem}; systemd is not notified");
            return new ServiceNotifier(null, 0);
        }

        return new ServiceNotifier(new NotifySocket(socket, address, log), WatchdogInterval(watchdogUsec, watchdogPid, pid, log));
    }

    /// <summary><c>READY=1</c> and the status: start-up is over, or a reload is.</summary>
    public void Ready(in ServiceStatus status, long nowMs)
    {
        var message = new NotifyMessage(_buffer);
        message.Append("READY=1\n"u8);
        SendStatus(ref message, status, nowMs);
    }

    /// <summary><c>RELOADING=1</c> with the time systemd compares against the reload it asked for.</summary>
    public void Reloading()
    {
        if (_socket is null)
        {
            return;
        }

        var message = new NotifyMessage(_buffer);
        message.Append("RELOADING=1\n"u8);
        if (MonotonicMicroseconds() is { } now)
        {
            message.Append("MONOTONIC_USEC="u8);
            message.Append(now);
            message.Append("\n"u8);
        }

        message.Append("STATUS=reloading the config\n"u8);
        _socket.Send(message.Written);
    }

    /// <summary><c>STOPPING=1</c>, first thing on SIGTERM, saying what the stop waits for.</summary>
    public void Stopping(int runningCommands)
    {
        if (_socket is null)
        {
            return;
        }

        var message = new NotifyMessage(_buffer);
        message.Append("STOPPING=1\nSTATUS=stopping"u8);
        if (runningCommands > 0)
        {
            message.Append(": waiting for "u8);
            message.Append(runningCommands);
            message.Append(runningCommands == 1 ? " running command\n"u8 : " running commands\n"u8);
        }
        else
        {
            message.Append("\n"u8);
        }

        _socket.Send(message.Written);
    }

    /// <summary>The status of a daemon that gives up at start; systemd shows it next to the exit status.</summary>
    public void NotStarted(string reason)
    {
        if (_socket is null)
        {
            return;
        }

        var message = new NotifyMessage(_buffer);
        message.Append("STATUS=not started: "u8);
        message.Append(Encoding.UTF8.GetBytes(reason));
        message.Append("\n"u8);
        _socket.Send(message.Written);
    }

    /// <summary>
    /// The main loop's turn: the watchdog when it is due, the status when it changed and the last
    /// one is a second old. Returns when it wants the loop back (ms), <see cref="long.MaxValue"/>
    /// for never. Allocates nothing.
    /// </summary>
    public long Tick(in ServiceStatus status, long nowMs)
    {
        if (_socket is null)
        {
            return long.MaxValue;
        }

        long due = Watchdog(nowMs);
        if (_statusSent && status != _sentStatus)
        {
            if (nowMs - _statusSentMs >= StatusIntervalMs)
            {
                var message = new NotifyMessage(_buffer);
                SendStatus(ref message, status, nowMs);
            }
            else
            {
                due = Math.Min(due, _statusSentMs + StatusIntervalMs);
            }
        }

        return due;
    }

    /// <summary>Sends <c>WATCHDOG=1</c> if it is due; returns when it is next due (ms), <see cref="long.MaxValue"/> without a watchdog.</summary>
    public long Watchdog(long nowMs)
    {
        if (_socket is null || WatchdogIntervalMs == 0)
        {
            return long.MaxValue;
        }

        if (nowMs >= _nextWatchdogMs)
        {
            _socket.Send("WATCHDOG=1\n"u8);
            _nextWatchdogMs = nowMs + WatchdogIntervalMs;
        }

        return _nextWatchdogMs;
    }

    public void Dispose() => _socket?.Dispose();

    /// <summary>CLOCK_MONOTONIC in microseconds: the clock systemd's MONOTONIC_USEC is read against.</summary>
    internal static unsafe long? MonotonicMicroseconds()
    {
        Libc.TimeSpec time;
        return Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, &time) == 0 ? (time.Seconds * 1_000_000) + (time.Nanoseconds / 1000) : null;
    }

    private static long WatchdogInterval(string? usecText, string? pidText, int pid, Logger log)
    {
        if (string.IsNullOrEmpty(usecText))
        {
            return 0;
        }

        // WATCHDOG_PID names the process systemd watches: with a wrapper in between, not us.
        if (!string.IsNullOrEmpty(pidText)
            && (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int watched) || watched != pid))
        {
            return 0;
        }

        if (!ulong.TryParse(usecText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong usec) || usec == 0)
        {
            log.Warning($"{WatchdogUsecVariable} '{usecText}' ignored: not a positive number of microseconds; no watchdog pings are sent");
            return 0;
        }

        return (long)Math.Clamp(usec / 2 / 1000, 1, (ulong)int.MaxValue);
    }

    private void SendStatus(ref NotifyMessage message, in ServiceStatus status, long nowMs)
    {
        if (_socket is null)
        {
            return;
        }

        message.Append("STATUS="u8);
        status.WriteTo(ref message);
        message.Append("\n"u8);
        _socket.Send(message.Written);
        _statusSent = true;
        _sentStatus = status;
        _statusSentMs = nowMs;
    }
}
