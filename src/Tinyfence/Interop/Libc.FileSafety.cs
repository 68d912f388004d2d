using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

internal static unsafe partial class Libc
{
    public const int AT_FDCWD = -100;
    public const uint STATX_BASIC_STATS = 0x7ff;

    // statx has one layout on every architecture, unlike struct stat; glibc (2.28+, and the one
    // linked into the static binary) emulates it with fstatat on kernels older than 4.11.
    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int directoryFd, byte* path, int flags, uint mask, StatxBuffer* buffer);

    // realpath(path, NULL) returns a malloc'd buffer that the caller frees.
    [LibraryImport(Library, EntryPoint = "realpath", SetLastError = true)]
    public static partial byte* RealPath(byte* path, byte* resolved);

    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(void* pointer);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUid();

    /// <summary>The head of <c>struct statx</c> (256 bytes in all) up to the device numbers.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Spare0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public fixed byte Times[64];     // stx_atime, stx_btime, stx_ctime, stx_mtime
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
    }
}
