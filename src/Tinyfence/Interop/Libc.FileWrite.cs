using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// The calls that write a file beside its final name and move it into place (the blocklist map).
/// Raw descriptors, as in <c>Libc.FileSystem.cs</c>: a map is rewritten many times a day and a
/// SafeHandle or FileStream per rewrite would be an allocation each time.
/// </summary>
internal static unsafe partial class Libc
{
    // Same values on x86-64 and on the generic (arm64) ABI. O_NOFOLLOW and O_DIRECTORY are left out
    // because theirs differ; O_CREAT|O_EXCL never follows a symbolic link anyway.
    public const int O_WRONLY = 0x1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_APPEND = 0x400;   // 02000 octal, x86-64 and arm64
    public const int AT_EMPTY_PATH = 0x1000;

    // futimens: leave that timestamp as it is.
    public const long UTIME_OMIT = (1L << 30) - 2;

    // open is variadic in C; the mode is read only with O_CREAT, which every caller of this
    // overload passes. An int variadic argument travels in the same register as a fixed one on
    // both 64-bit ABIs.
    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static partial int OpenCreate(byte* path, int flags, uint mode);

    // off_t is 64-bit on every 64-bit glibc target, so pwrite is pwrite64.
    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport(Library, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, uint mode);

    /// <param name="times">Two timespecs: access time, then modification time.</param>
    [LibraryImport(Library, EntryPoint = "futimens", SetLastError = true)]
    public static partial int FUtimens(int fd, TimeSpec* times);

    [LibraryImport(Library, EntryPoint = "rename", SetLastError = true)]
    public static partial int Rename(byte* oldPath, byte* newPath);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true)]
    public static partial int Unlink(byte* path);

    /// <summary><c>struct timespec</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
