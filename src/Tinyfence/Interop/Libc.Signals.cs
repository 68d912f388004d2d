using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

internal static partial class Libc
{
    public const int SIGCHLD = 17;
    public const nint SIG_DFL = 0;

    // glibc's signal() has BSD semantics (SA_RESTART, handler kept): fine for setting SIG_DFL.
    [LibraryImport(Library, EntryPoint = "signal")]
    public static partial nint Signal(int signal, nint handler);
}
