namespace Tinyfence.Status;

/// <summary>A rule's command: whether it runs now, and how the last one ended.</summary>
public sealed class CommandStatus
{
    public bool Running { get; set; }

    /// <summary>The running command's shell; null when none runs.</summary>
    public int? Pid { get; set; }

    /// <summary>Commands run since the daemon started, and those that did not exit with status 0.</summary>
    public long Runs { get; set; }

    public long Failures { get; set; }

    /// <summary>The last command's exit status; null when a signal ended it, it could not start, or none ran.</summary>
    public int? LastExitStatus { get; set; }

    /// <summary>The signal that ended the last command, if one did.</summary>
    public int? LastSignal { get; set; }

    public bool LastTimedOut { get; set; }

    public double? LastDurationSeconds { get; set; }
}
