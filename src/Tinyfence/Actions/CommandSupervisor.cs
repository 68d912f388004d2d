using System.Diagnostics;
using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Proc;

namespace Tinyfence.Actions;

/// <summary>
/// Watches one spawned command on its own thread: reads its output, reaps it with
/// waitpid(pid, WNOHANG) (never waitpid(-1): other children are not ours), and signals its process
/// group at the deadline. One poll() with a short timeout drives it all.
/// </summary>
internal sealed unsafe class CommandSupervisor
{
    // The longest the loop sleeps: bounds how late a deadline or the shell's exit is noticed while
    // nothing is printed. Ten wake-ups a second per running command cost nothing.
    private const int TickMs = 100;

    // A quarter of the default pipe capacity (64 KiB): a flood costs few reads, an idle command little memory.
    private const int ReadBufferBytes = 16 * 1024;

    private readonly CommandRunner _runner;
    private readonly Logger _log;
    private readonly CommandOutput _output;
    private readonly Action<CommandResult> _onExit;
    private readonly long _startTimestamp;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _killGrace;
    private readonly TimeSpan _drainGrace;
    private int _readFd;
    private volatile bool _stopRequested;
    private bool _reaped;

    public CommandSupervisor(CommandRunner runner, Logger log, in CommandRequest request, int pid, int readFd,
        long startTimestamp, DateTime startedUtc, Action<CommandResult> onExit)
    {
        _runner = runner;
        _log = log;
        _onExit = onExit;
        _readFd = readFd;
        _startTimestamp = startTimestamp;
        _timeout = request.Timeout > TimeSpan.Zero ? request.Timeout : TimeSpan.Zero;
        _killGrace = runner.KillGrace;
        _drainGrace = runner.OutputDrainGrace;
        _output = new CommandOutput(log, request.Label, runner.MaxLoggedLinesPerCommand);
        Handle = new RunningCommand(pid, startedUtc, request.Label, request.Command, this);
    }

    public RunningCommand Handle { get; }

    private int Pid => Handle.Pid;

    /// <summary>Asks the loop to treat the command as timed out now (as a shutdown, not a timeout).</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>The thread's body: supervise, then report (always, even if supervising failed).</summary>
    public void Run()
    {
        CommandResult result;
        try
        {
            result = Supervise();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug here must not leave the command running unwatched, nor take the daemon down.
            _log.Error(Handle.Label + ": supervising the command failed: " + ex.Message);
            Abandon();
            result = new CommandResult(Handle.Label, Handle.Command, Pid, null, null, false, null,
                Stopwatch.GetElapsedTime(_startTimestamp), _output.FirstLines, _output.LineCount) { Timeout = _timeout };
        }
        finally
        {
            CloseOutput();
        }

        _runner.Finish(this, result, _onExit);
    }

    /// <summary>
    /// Used when no supervisor thread could be started: kill the group and reap the shell here.
    /// </summary>
    public void Abandon()
    {
        if (_reaped)
        {
            // The group id may belong to someone else by now.
            CloseOutput();
            return;
        }

        Libc.Kill(-Pid, Libc.SIGKILL);
        int status;
        while (Libc.WaitPid(Pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
        {
        }

        CloseOutput();
    }

    // The shell's pid is also its process group id. The shell is left a zombie (seen with
    // waitid(WNOWAIT)) until the group is dealt with, so that number cannot be given to another
    // process while this loop may still signal the group; it is reaped last.
    private CommandResult Supervise()
    {
        byte[] buffer = new byte[ReadBufferBytes];
        long deadline = _timeout > TimeSpan.Zero ? _startTimestamp + ToTicks(_timeout) : long.MaxValue;
        long killAt = long.MaxValue;
        long drainUntil = long.MaxValue;
        long exitTimestamp = 0;
        bool exited = false;
        bool termSent = false;
        bool killSent = false;
        bool timedOut = false;
        bool stopped = false;
        int idleSleepMs = 1;

        while (true)
        {
            long now = Stopwatch.GetTimestamp();

            // A timeout applies while the shell runs; a stop also while its output drains.
            if (!termSent && ((!exited && now >= deadline) || _stopRequested))
            {
                timedOut = !exited && now >= deadline;
                stopped = !timedOut;
                SignalGroup(Libc.SIGTERM);

                // A stopped member would keep its SIGTERM pending until the SIGKILL: wake it (systemd does the same).
                SignalGroup(Libc.SIGCONT);
                termSent = true;
                killAt = now + ToTicks(_killGrace);
            }

            // After a SIGTERM the whole group must go, not only the shell: a child that ignores
            // SIGTERM gets SIGKILL too.
            if (termSent && !killSent && now >= killAt && (!exited || GroupHasOtherMembers()))
            {
                SignalGroup(Libc.SIGKILL);
                killSent = true;
            }

            if (exited)
            {
                bool groupSettled = !termSent || killSent || !GroupHasOtherMembers();
                if (groupSettled && (_readFd < 0 || _stopRequested))
                {
                    break;
                }

                if (groupSettled && now >= drainUntil)
                {
                    _log.Info(Handle.Label + ": output still open after the command exited "
                        + "(a background process holds it); no longer reading it");
                    break;
                }
            }

            // Only deadlines still ahead count: one already passed must not make the wait zero
            // in a state that only time changes (that would spin a core).
            long next = Math.Min(
                !exited && !termSent && deadline > now ? deadline : long.MaxValue,
                Math.Min(termSent && !killSent && killAt > now ? killAt : long.MaxValue, exited && drainUntil > now ? drainUntil : long.MaxValue));
            int waitMs = next == long.MaxValue ? TickMs : (int)Math.Clamp(CeilingMs(next - now), 1, TickMs);
            if (_readFd >= 0)
            {
                ReadOutput(buffer, waitMs);
            }
            else
            {
                // No output to wait on (the pipe hit EOF before the shell exited; usually the
                // shell is just exiting): back off from 1 ms so the exit is seen at once.
                Thread.Sleep(Math.Min(waitMs, idleSleepMs));
                idleSleepMs = Math.Min(idleSleepMs * 2, TickMs);
            }

            if (!exited && HasExited())
            {
                exited = true;
                exitTimestamp = Stopwatch.GetTimestamp();
                drainUntil = exitTimestamp + ToTicks(_drainGrace);
            }
        }

        Reap(out int? exitCode, out int? signal);
        _output.Complete();
        return new CommandResult(Handle.Label, Handle.Command, Pid, exitCode, signal, timedOut, SpawnError: null,
            Stopwatch.GetElapsedTime(_startTimestamp, exitTimestamp), _output.FirstLines, _output.LineCount)
        {
            Timeout = _timeout,
            Stopped = stopped,
        };
    }

    private void ReadOutput(byte[] buffer, int waitMs)
    {
        Libc.PollFd pollFd = new() { Fd = _readFd, Events = Libc.POLLIN };
        int ready = Libc.Poll(&pollFd, 1, waitMs);
        if (ready < 0 && Marshal.GetLastPInvokeError() != Errno.EINTR)
        {
            // Not a signal (ENOMEM...): wait the tick out rather than spin.
            Thread.Sleep(waitMs);
            return;
        }

        if (ready <= 0)
        {
            // 0: the tick passed; < 0: EINTR (a signal to this thread), nothing to do either way.
            return;
        }

        if ((pollFd.Revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) == 0)
        {
            return;
        }

        nint count;
        fixed (byte* bytes = buffer)
        {
            count = Libc.ReadPipe(_readFd, bytes, (nuint)buffer.Length);
        }

        if (count > 0)
        {
            _output.Append(buffer.AsSpan(0, (int)count));
        }
        else if (count == 0 || Marshal.GetLastPInvokeError() is not (Errno.EINTR or Errno.EAGAIN))
        {
            // EOF: every writer (the shell and whatever it started) has closed the pipe.
            CloseOutput();
        }
    }

    /// <summary>Whether the shell has exited, without reaping it (WNOWAIT).</summary>
    private bool HasExited()
    {
        byte* sigInfo = stackalloc byte[Libc.SigInfoBytes];
        new Span<byte>(sigInfo, Libc.SigInfoBytes).Clear();
        if (Libc.WaitId(Libc.P_PID, Pid, sigInfo, Libc.WEXITED | Libc.WNOHANG | Libc.WNOWAIT) == 0)
        {
            return *(int*)(sigInfo + Libc.SigInfoPidOffset) == Pid;
        }

        // ECHILD: someone else reaped it (see Reap); EINTR: look again on the next turn.
        return Marshal.GetLastPInvokeError() != Errno.EINTR;
    }

    private void Reap(out int? exitCode, out int? signal)
    {
        _reaped = true;
        exitCode = null;
        signal = null;
        int status;
        int result;
        while ((result = Libc.WaitPid(Pid, &status, 0)) < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
        {
        }

        if (result == Pid)
        {
            ProcessStatus.Decode(status, out exitCode, out signal);
            return;
        }

        // ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN by whoever started the daemon,
        // or a waitpid(-1) elsewhere in the process). The shell is gone; its status is lost.
        int errno = Marshal.GetLastPInvokeError();
        _log.Warning(Handle.Label + ": cannot wait for pid " + Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + " (" + Marshal.GetPInvokeErrorMessage(errno) + "); its exit status is unknown");
    }

    // The shell leads its own process group (POSIX_SPAWN_SETPGROUP), so -pid reaches everything it
    // started that did not move to another group or session. The group id is safe to signal
    // until the shell is reaped (see Supervise).
    private void SignalGroup(int signal) => Libc.Kill(-Pid, signal);

    // kill(-pgid, 0) cannot tell: the unreaped shell is still a member. Look for members other
    // than the shell in the process table; only the timeout path asks, and rarely.
    private bool GroupHasOtherMembers()
    {
        foreach (ProcessUsage process in ProcessTable.Read("/proc"))
        {
            if (process.Pid != Pid && process.ProcessGroup == Pid)
            {
                return true;
            }
        }

        return false;
    }

    private void CloseOutput()
    {
        int fd = Interlocked.Exchange(ref _readFd, -1);
        if (fd >= 0)
        {
            Libc.ClosePipe(fd);
        }
    }

    private static long ToTicks(TimeSpan span) =>
        (long)Math.Min(span.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 4);

    private static long CeilingMs(long ticks) =>
        ticks <= 0 ? 0 : ticks >= Stopwatch.Frequency ? 1000 : (ticks * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
}
