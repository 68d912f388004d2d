using System.Globalization;

namespace Tinyfence.Actions;

/// <summary>waitpid status words and signal names (Linux numbering, shared by x86-64 and arm64).</summary>
internal static class ProcessStatus
{
    /// <summary>Splits a status from waitpid without WUNTRACED: exited, or killed by a signal.</summary>
    public static void Decode(int status, out int? exitCode, out int? signal)
    {
        int termination = status & 0x7f;
        if (termination == 0)
        {
            exitCode = (status >> 8) & 0xff;
            signal = null;
        }
        else
        {
            exitCode = null;
            signal = termination;
        }
    }

    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        16 => "SIGSTKFLT",
        17 => "SIGCHLD",
        18 => "SIGCONT",
        19 => "SIGSTOP",
        20 => "SIGTSTP",
        21 => "SIGTTIN",
        22 => "SIGTTOU",
        23 => "SIGURG",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        26 => "SIGVTALRM",
        27 => "SIGPROF",
        28 => "SIGWINCH",
        29 => "SIGIO",
        30 => "SIGPWR",
        31 => "SIGSYS",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };
}
