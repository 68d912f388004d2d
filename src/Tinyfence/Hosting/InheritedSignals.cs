using Tinyfence.Interop;

namespace Tinyfence.Hosting;

/// <summary>
/// Signal dispositions set to ignore and the signal mask survive exec, so a process gets what its
/// starter had: <c>nohup</c> ignores SIGHUP, a shell's background job SIGINT, some init scripts and
/// supervisors SIGCHLD, and any of them may leave signals blocked. The .NET runtime respects an
/// ignored signal: a <see cref="System.Runtime.InteropServices.PosixSignalRegistration"/> of it
/// installs nothing, and the handler never runs (a reload would be silently dropped). Each verb
/// therefore puts the signals it relies on back to their default and unblocks them, first thing in
/// Main: the runtime records the dispositions it finds when its signal handling starts, later.
/// </summary>
public static unsafe class InheritedSignals
{
    /// <summary>The daemon: reload, stop, pause and resume; SIGCHLD for its commands' exit statuses.</summary>
    public static int[] Daemon { get; } = [Libc.SIGHUP, Libc.SIGINT, Libc.SIGTERM, Libc.SIGUSR1, Libc.SIGUSR2, Libc.SIGCHLD];

    /// <summary>feed: SIGHUP reopens the log, SIGTERM flushes it, SIGINT stops.</summary>
    public static int[] Feed { get; } = [Libc.SIGHUP, Libc.SIGINT, Libc.SIGTERM];

    /// <summary>map, filter, score: stopped by SIGTERM (Apache) or SIGINT.</summary>
    public static int[] Adapter { get; } = [Libc.SIGINT, Libc.SIGTERM];

    /// <summary>
    /// Sets each of <paramref name="signals"/> to its default action and SIGPIPE to ignore (a
    /// reader that went away is an EPIPE where it is written, not death), then unblocks them all
    /// in this thread's mask, which the threads started later inherit.
    /// </summary>
    public static void Reclaim(ReadOnlySpan<int> signals)
    {
        // A sigset_t is 128 bytes in glibc and musl; twice that, zeroed, as in CommandSpawner.
        ulong* set = stackalloc ulong[32];
        new Span<ulong>(set, 32).Clear();
        foreach (int signal in signals)
        {
            Libc.Signal(signal, Libc.SIG_DFL);
            set[0] |= 1UL << (signal - 1);
        }

        Libc.Signal(Libc.SIGPIPE, Libc.SIG_IGN);
        set[0] |= 1UL << (Libc.SIGPIPE - 1);
        _ = Libc.PthreadSigMask(Libc.SIG_UNBLOCK, set, null); // fails only for a bad 'how'
    }
}
