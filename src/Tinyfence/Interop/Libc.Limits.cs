using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>The open-file limit (RLIMIT_NOFILE): the socket server holds a descriptor per client.</summary>
internal static unsafe partial class Libc
{
    private const int RLIMIT_NOFILE = 7;

    [LibraryImport(Library, EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, ulong* limits);

    [LibraryImport(Library, EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ulong* limits);

    public static bool TryGetOpenFileLimit(out ulong soft, out ulong hard)
    {
        ulong* limits = stackalloc ulong[2];
        bool ok = GetRLimit(RLIMIT_NOFILE, limits) == 0;
        soft = ok ? limits[0] : 0;
        hard = ok ? limits[1] : 0;
        return ok;
    }

    public static bool TrySetOpenFileLimit(ulong soft, ulong hard)
    {
        ulong* limits = stackalloc ulong[2];
        limits[0] = soft;
        limits[1] = hard;
        return SetRLimit(RLIMIT_NOFILE, limits) == 0;
    }
}
