using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

internal static unsafe partial class Libc
{
    // Linux numbers (x86-64 and arm64).
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    public const nint SIG_DFL = 0;
    public const nint SIG_IGN = 1;

    public const int SIG_UNBLOCK = 1;

    // glibc's signal() has BSD semantics (SA_RESTART, handler kept): fine for SIG_DFL and SIG_IGN.
    [LibraryImport(Library, EntryPoint = "signal")]
    public static partial nint Signal(int signal, nint handler);

    // The calling thread's mask; threads started later inherit it.
    [LibraryImport(Library, EntryPoint = "pthread_sigmask")]
    public static partial int PthreadSigMask(int how, void* set, void* oldSet);
}
