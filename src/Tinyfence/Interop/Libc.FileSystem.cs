using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// The file calls of the /proc readers, of statvfs and of the files read once whole (the filter's patterns). Raw descriptors (plain ints), not
/// SafeHandles: a reader re-reads the same descriptor every tick, and a per-PID file is opened and
/// closed within one call, so a SafeHandle would only add an allocation per open.
/// Only 64-bit Linux (x86-64, arm64) is supported; the constants and the statvfs layout below are
/// the ones both share.
/// </summary>
internal static unsafe partial class Libc
{
    public const int O_RDONLY = 0;

    // 02000000 octal on x86-64 and on the generic (arm64) ABI. O_DIRECTORY is left out on purpose:
    // its value differs between the two, and getdents64 on a non-directory fails with ENOTDIR anyway.
    public const int O_CLOEXEC = 0x80000;

    public const int SEEK_SET = 0;

    // The d_type values of getdents64 (same on every Linux architecture).
    public const byte DT_UNKNOWN = 0;
    public const byte DT_DIR = 4;

    // open and openat are variadic in C; the mode argument is read only with O_CREAT or O_TMPFILE,
    // which these readers never pass, so declaring them without it is safe on both ABIs.
    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    [LibraryImport(Library, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int directoryFd, byte* path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    // off_t is 64-bit on every 64-bit glibc target, so pread is pread64.
    [LibraryImport(Library, EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Library, EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    // glibc has exported getdents64 since 2.30; the static binary carries its own glibc.
    [LibraryImport(Library, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "statvfs", SetLastError = true)]
    public static partial int StatVfs(byte* path, StatVfsBuffer* buffer);

    /// <summary>
    /// glibc's <c>struct statvfs</c> on 64-bit Linux (112 bytes: eleven 8-byte fields, then a
    /// 4-byte f_type and spare ints). The spare area here is larger than glibc's so that a future
    /// glibc growing the tail can never write past this struct.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatVfsBuffer
    {
        public ulong BlockSize;           // f_bsize
        public ulong FragmentSize;        // f_frsize: the unit of the block counts
        public ulong Blocks;              // f_blocks
        public ulong BlocksFree;          // f_bfree
        public ulong BlocksAvailable;     // f_bavail: free blocks an unprivileged user may use
        public ulong Files;               // f_files
        public ulong FilesFree;           // f_ffree
        public ulong FilesAvailable;      // f_favail
        public ulong FileSystemId;        // f_fsid
        public ulong Flags;               // f_flag
        public ulong MaxNameLength;       // f_namemax
        public fixed int Spare[16];       // f_type and __f_spare, with room to spare
    }
}
