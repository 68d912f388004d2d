using System.Globalization;

namespace Tinyfence.Actions;

/// <summary>How a command ended, with the start of its output (for email alerts).</summary>
/// <param name="Pid">The shell's pid; 0 when the spawn failed.</param>
/// <param name="ExitCode">The exit status when the shell exited; null when a signal ended it, or the spawn failed.</param>
/// <param name="Signal">The signal that ended the shell, if one did.</param>
/// <param name="TimedOut">The command outlived its timeout and was signalled.</param>
/// <param name="SpawnError">Why no process could be started (errno text, or what was wrong with the request).</param>
/// <param name="Duration">From the spawn to the shell's exit (not counting the output drain).</param>
/// <param name="FirstOutputLines">The first <see cref="CommandOutput.KeptLineCount"/> lines of stdout+stderr, escaped and cut as logged.</param>
/// <param name="OutputLineCount">All lines the command printed, kept or not.</param>
public sealed record CommandResult(
    string Label,
    string Command,
    int Pid,
    int? ExitCode,
    int? Signal,
    bool TimedOut,
    string? SpawnError,
    TimeSpan Duration,
    IReadOnlyList<string> FirstOutputLines,
    int OutputLineCount)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The request's timeout (<see cref="TimeSpan.Zero"/> when there was none).</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The command was signalled because the runner was stopping (StopAll, Dispose) or <see cref="RunningCommand.Stop"/>.</summary>
    public bool Stopped { get; init; }

    /// <summary>
    /// The shell was reaped by someone else (SIGCHLD ignored, or another waitpid(-1) in the
    /// process), so its status is unknown.
    /// </summary>
    public bool StatusUnknown => SpawnError is null && ExitCode is null && Signal is null;

    /// <summary>"exit status 0", "killed by signal 9 after timeout (30 s)", "spawn failed: ...".</summary>
    public string Describe() => Format(Wording.Alert);

    /// <summary>The runner's closing log line, without the label: "command killed by SIGKILL after timeout of 30 s".</summary>
    internal string LogMessage() => Format(Wording.LogLine);

    internal Logging.LogLevel LogLevel =>
        SpawnError is not null ? Logging.LogLevel.Error
        : Succeeded && !TimedOut && !Stopped ? Logging.LogLevel.Notice
        : Logging.LogLevel.Warning;

    // The outcome is decided here once for both wordings, so a new way for a command to end
    // reaches the alert and the log line alike.
    private string Format(Wording words)
    {
        if (SpawnError is not null)
        {
            return "spawn failed: " + SpawnError;
        }

        string how = ExitCode is int code
            ? words.Exited + code.ToString(CultureInfo.InvariantCulture)
            : Signal is int signal
                ? words.Killed + (words.SignalByName ? ProcessStatus.SignalName(signal) : signal.ToString(CultureInfo.InvariantCulture))
                : words.StatusUnknown;
        if (TimedOut)
        {
            return how + words.TimeoutOpen + FormatSeconds(Timeout, "0.###") + words.TimeoutClose;
        }

        string ran = words.WithDuration ? " after " + FormatSeconds(Duration, "0.0") + " s" : "";
        return Stopped ? how + " on shutdown" + ran : how + ran;
    }

    private static string FormatSeconds(TimeSpan span, string format) =>
        span.TotalSeconds.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>
    /// The phrases of one wording: the alert's is short (the mail gives the duration itself); the
    /// log line's names the signal and says how long the command ran.
    /// </summary>
    private sealed record Wording(
        string Exited,
        string Killed,
        bool SignalByName,
        string StatusUnknown,
        string TimeoutOpen,
        string TimeoutClose,
        bool WithDuration)
    {
        public static readonly Wording Alert = new(
            "exit status ", "killed by signal ", SignalByName: false, "exit status unknown",
            " after timeout (", " s)", WithDuration: false);

        public static readonly Wording LogLine = new(
            "command exited with status ", "command killed by ", SignalByName: true, "command ended (exit status unknown: reaped elsewhere)",
            " after timeout of ", " s", WithDuration: true);
    }
}
