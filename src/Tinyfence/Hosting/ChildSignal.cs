using Tinyfence.Interop;

namespace Tinyfence.Hosting;

/// <summary>
/// A parent that starts tinyfence with SIGCHLD ignored (some init scripts and supervisors do)
/// passes that on through exec, and the kernel then reaps every child at once: a command's exit
/// status would be lost. The daemon puts SIGCHLD back to its default before it runs anything.
/// Nothing in the process uses System.Diagnostics.Process, whose own SIGCHLD handling this would
/// replace.
/// </summary>
public static class ChildSignal
{
    public static void RestoreDefault() => Libc.Signal(Libc.SIGCHLD, Libc.SIG_DFL);
}
