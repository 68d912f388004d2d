using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>The mapping calls of the score tables' shared view (one writer, many reader processes).</summary>
internal static unsafe partial class Libc
{
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;

    public static readonly nint MapFailed = -1;

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint MMap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(nint address, nuint length);
}
