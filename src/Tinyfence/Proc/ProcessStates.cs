namespace Tinyfence.Proc;

/// <summary>
/// Process states an nproc filter selects, mapped from the state letter of <c>/proc/PID/stat</c>:
/// <list type="table">
/// <item><term>R</term><description><see cref="Running"/> (running or runnable)</description></item>
/// <item><term>S</term><description><see cref="Sleeping"/> (interruptible sleep)</description></item>
/// <item><term>D</term><description><see cref="Uninterruptible"/> (disk sleep, usually I/O)</description></item>
/// <item><term>T, t</term><description><see cref="Stopped"/> (stopped by a signal; t, since 2.6.33, is a tracing stop: sysfence's "traced")</description></item>
/// <item><term>Z</term><description><see cref="Zombie"/> (exited, not yet reaped)</description></item>
/// </list>
/// Any other letter (I for idle kernel threads since 4.14, X dead, P parked, W, K, x on some
/// kernels) matches no single state and is counted only when the filter accepts any state
/// (<see cref="Any"/> or <see cref="None"/>), as sysfence counted its "unknown" state only when
/// no state was given.
/// </summary>
[Flags]
public enum ProcessStates
{
    None = 0,
    Running = 1,
    Sleeping = 2,
    Uninterruptible = 4,
    Stopped = 8,
    Zombie = 16,
    Any = Running | Sleeping | Uninterruptible | Stopped | Zombie,
}
