using System.Runtime.InteropServices;

namespace Tinyfence.Testing;

/// <summary>Signals for the daemon: Process.Kill only knows SIGKILL.</summary>
internal static partial class Posix
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGTERM = 15;

    private const int CLOCK_MONOTONIC = 1;
    private const int RLIMIT_NOFILE = 7;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static unsafe partial int ClockGetTime(int clock, long* timespec);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static unsafe partial int GetRLimit(int resource, ulong* limits);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static unsafe partial int SetRLimit(int resource, ulong* limits);

    /// <summary>
    /// Raises this process's soft limit on open files to at least <paramref name="count"/>, for
    /// its own sockets and for the daemons it starts (they inherit it).
    /// </summary>
    public static unsafe void EnsureOpenFileLimit(ulong count)
    {
        ulong* limits = stackalloc ulong[2];
        if (GetRLimit(RLIMIT_NOFILE, limits) != 0)
        {
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }

        if (limits[0] >= count)
        {
            return;
        }

        if (limits[1] < count)
        {
            throw new InvalidOperationException($"the test needs {count} open files and the hard limit is {limits[1]}: raise it (ulimit -Hn, LimitNOFILE=)");
        }

        limits[0] = count;
        if (SetRLimit(RLIMIT_NOFILE, limits) != 0)
        {
            throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>CLOCK_MONOTONIC in microseconds, the clock systemd reads MONOTONIC_USEC against.</summary>
    public static unsafe long MonotonicMicroseconds()
    {
        long* timespec = stackalloc long[2];
        if (ClockGetTime(CLOCK_MONOTONIC, timespec) != 0)
        {
            throw new InvalidOperationException($"clock_gettime failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return (timespec[0] * 1_000_000) + (timespec[1] / 1000);
    }

    public static void Kill(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
