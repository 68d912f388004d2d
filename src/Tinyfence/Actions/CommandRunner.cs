using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Actions;

/// <summary>
/// Runs rule commands as <c>/bin/sh -c COMMAND</c>, each watched by its own small thread, without
/// ever blocking the caller. Each command leads its own process group; at its timeout the whole
/// group gets SIGTERM, then SIGKILL after <see cref="KillGrace"/>. Its stdout and stderr are
/// logged line by line (<c>rule: line</c>, Info) and its first lines kept for the result.
/// </summary>
/// <remarks>
/// <para>
/// A command that starts a long-lived process must detach it from the command's output and
/// process group (<c>setsid daemon &gt;/dev/null 2&gt;&amp;1 &amp;</c>, or redirect its output at
/// least): a background process still holding the output pipe is read for only
/// <see cref="OutputDrainGrace"/> after the shell exits, then the runner stops reading (the
/// process then gets EPIPE or SIGPIPE on its next write); one left in the group is killed with
/// it when the command times out or the daemon stops.
/// </para>
/// <para>
/// Children are spawned with posix_spawn and reaped with waitpid on their own pid: nothing here
/// uses System.Diagnostics.Process, whose SIGCHLD handling would reap them behind our back, and
/// the daemon must not use it either.
/// </para>
/// </remarks>
public sealed class CommandRunner : IDisposable
{
    public const string DefaultShellPath = "/bin/sh";

    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(5);

    // A supervisor thread reads a pipe, polls and logs: a quarter of a megabyte of stack is ample,
    // against the runtime's default of 1.5 MiB (it is only address space, but commands can pile up).
    private const int SupervisorStackBytes = 256 * 1024;

    // After the last kill, how long StopAll still waits for supervisors to see their shells die.
    private static readonly TimeSpan StopSlack = TimeSpan.FromSeconds(1);

    private readonly Logger _log;
    private readonly string _shellPath;
    private readonly object _gate = new();
    private readonly List<CommandSupervisor> _supervisors = [];
    private int _running;
    private bool _disposed;

    public CommandRunner(Logger log)
        : this(log, DefaultKillGrace)
    {
    }

    /// <param name="killGrace">Time between the SIGTERM and the SIGKILL to a command's process group.</param>
    public CommandRunner(Logger log, TimeSpan killGrace)
        : this(log, killGrace, DefaultShellPath)
    {
    }

    /// <param name="shellPath">The shell to run; tests give a missing one to see a spawn fail.</param>
    internal CommandRunner(Logger log, TimeSpan killGrace, string shellPath)
    {
        ArgumentNullException.ThrowIfNull(log);
        _log = log;
        KillGrace = killGrace;
        _shellPath = shellPath;
    }

    /// <summary>SIGTERM to SIGKILL; a change (a reload) applies to the commands started after it.</summary>
    public TimeSpan KillGrace
    {
        get;
        set => field = value > TimeSpan.Zero ? value : TimeSpan.Zero;
    }

    /// <summary>How long output is still read after the shell has exited (see the remarks). Default 1 s.</summary>
    public TimeSpan OutputDrainGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Output lines logged per command; the rest are counted, and a note says how many were not
    /// logged. A command that prints megabytes must not flood syslog. Default 1000.
    /// </summary>
    public int MaxLoggedLinesPerCommand { get; set; } = 1000;

    /// <summary>Commands started whose exit callback has not yet returned.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>
    /// Starts the command and returns at once. <paramref name="onExit"/> is called exactly once,
    /// never on the calling thread: on the command's supervisor thread (or, when the spawn failed,
    /// on a short-lived thread of its own). It should return quickly (the command counts as
    /// running until it does) and must not wait for the runner (<see cref="WaitForAll"/>) itself.
    /// An exception from it is logged, not thrown. A failure to spawn (missing shell, EAGAIN, EMFILE...) throws
    /// nothing: it is logged and reported through <paramref name="onExit"/> with a
    /// <see cref="CommandResult.SpawnError"/>.
    /// </summary>
    public unsafe RunningCommand Start(in CommandRequest request, Action<CommandResult> onExit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(request.Label, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Command, nameof(request));
        ArgumentNullException.ThrowIfNull(onExit);

        DateTime startedUtc = DateTime.UtcNow;
        long startTimestamp = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _running++;
        }

        string? invalid = CommandSpawner.Validate(request.Command, request.Environment);
        if (invalid is not null)
        {
            return Fail(request, invalid, startedUtc, onExit);
        }

        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            return Fail(request, Marshal.GetLastPInvokeErrorMessage(), startedUtc, onExit);
        }

        int error;
        int pid;
        try
        {
            error = CommandSpawner.Spawn(_shellPath, request.Command, request.Environment, fds[1], out pid);
        }
        catch (OutOfMemoryException)
        {
            (error, pid) = (Errno.ENOMEM, 0);
        }

        // Our copy of the write end must go, or the pipe never reaches EOF.
        Libc.ClosePipe(fds[1]);
        if (error != 0)
        {
            Libc.ClosePipe(fds[0]);
            return Fail(request, Marshal.GetPInvokeErrorMessage(error), startedUtc, onExit);
        }

        _log.Info(request.Label + ": started '" + EscapeControls(request.Command) + "' (pid "
            + pid.ToString(CultureInfo.InvariantCulture) + ")");
        var supervisor = new CommandSupervisor(this, _log, request, pid, fds[0], startTimestamp, startedUtc, onExit);
        lock (_gate)
        {
            _supervisors.Add(supervisor);
        }

        try
        {
            new Thread(supervisor.Run, SupervisorStackBytes) { IsBackground = true, Name = "cmd " + pid.ToString(CultureInfo.InvariantCulture) }.Start();
        }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            supervisor.Abandon();
            lock (_gate)
            {
                _supervisors.Remove(supervisor);
            }

            return Fail(request, "cannot start a thread to watch it: " + ex.Message, startedUtc, onExit);
        }

        return supervisor.Handle;
    }

    /// <summary>Waits until no command is running, for at most <paramref name="maxWait"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no limit). Commands keep their own timeouts meanwhile.</summary>
    /// <returns>True if none is left running.</returns>
    public bool WaitForAll(TimeSpan maxWait)
    {
        long deadline = maxWait == Timeout.InfiniteTimeSpan ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(Math.Max(0, maxWait.TotalSeconds) * Stopwatch.Frequency);
        lock (_gate)
        {
            while (_running > 0)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                {
                    return false;
                }

                Monitor.Wait(_gate, deadline == long.MaxValue ? Timeout.Infinite
                    : (int)Math.Min(left * 1000 / Stopwatch.Frequency + 1, int.MaxValue));
            }

            return true;
        }
    }

    /// <summary>
    /// For shutdown: waits up to <paramref name="maxWait"/> for running commands to end by
    /// themselves (their timeouts still apply), then stops the rest as a timeout would (SIGTERM to
    /// each group, SIGKILL after <see cref="KillGrace"/>) and waits for that, so the daemon leaves
    /// neither orphans in those groups nor zombies. Returns at the latest after about
    /// maxWait + KillGrace + 1 s. Commands started meanwhile are not stopped: stop starting them first.
    /// </summary>
    /// <returns>True if none is left running.</returns>
    public bool StopAll(TimeSpan maxWait)
    {
        if (WaitForAll(maxWait))
        {
            return true;
        }

        CommandSupervisor[] running;
        lock (_gate)
        {
            running = [.. _supervisors];
        }

        foreach (CommandSupervisor supervisor in running)
        {
            supervisor.RequestStop();
        }

        return WaitForAll(KillGrace + StopSlack);
    }

    /// <summary>Stops every running command at once (<see cref="StopAll"/> with no wait); then refuses new ones.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        StopAll(TimeSpan.Zero);
    }

    /// <summary>Called once per started command, on its supervisor thread, when it is over.</summary>
    internal void Finish(CommandSupervisor? supervisor, CommandResult result, Action<CommandResult> onExit)
    {
        try
        {
            _log.Write(result.LogLevel, result.Label + ": " + result.LogMessage());
            onExit(result);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The callback belongs to the rule engine; its failure must not kill this thread (and the daemon with it).
            _log.Error(result.Label + ": handling the command's end failed: " + ex.Message);
        }
        finally
        {
            supervisor?.Handle.MarkExited();
            lock (_gate)
            {
                if (supervisor is not null)
                {
                    _supervisors.Remove(supervisor);
                }

                _running--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private RunningCommand Fail(in CommandRequest request, string error, DateTime startedUtc, Action<CommandResult> onExit)
    {
        var result = new CommandResult(request.Label, request.Command, Pid: 0, ExitCode: null, Signal: null, TimedOut: false,
            SpawnError: error, TimeSpan.Zero, [], 0)
        {
            Timeout = request.Timeout > TimeSpan.Zero ? request.Timeout : TimeSpan.Zero,
        };
        // A thread of its own, like a supervisor's: a thread-pool item can wait half a second when
        // the pool is busy. If even that fails (EAGAIN is often why the spawn failed), the pool.
        try
        {
            new Thread(() => Finish(null, result, onExit), SupervisorStackBytes) { IsBackground = true, Name = "cmd failed" }.Start();
        }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static state => state.Runner.Finish(null, state.Result, state.OnExit),
                (Runner: this, Result: result, OnExit: onExit),
                preferLocal: false);
        }

        return new RunningCommand(0, startedUtc, request.Label, request.Command, supervisor: null);
    }

    // The command goes into a log line: a newline in it must not forge a second one.
    private static string EscapeControls(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\x1f'))
        {
            return text;
        }

        var escaped = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (c < ' ')
            {
                escaped.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
