using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tinyfence.Interop;

namespace Tinyfence.Table;

/// <summary>
/// The memory a table lives in: a shared mapping of a file (the daemon's tables, readable by
/// other processes) or private native memory (tables without a view, tests). Either way it is
/// allocated once, at full size, and never resized.
/// </summary>
internal sealed unsafe class TableMapping : IDisposable
{
    private readonly bool _mapped;
    private nint _address;

    private TableMapping(nint address, long length, bool mapped)
    {
        _address = address;
        Length = length;
        _mapped = mapped;
    }

    public byte* Base => (byte*)_address;

    /// <summary>The mapped file's device and inode (0 for private memory): tells whether its path still names it.</summary>
    public (ulong Device, ulong Inode) FileId { get; private init; }

    public long Length { get; }

    public static TableMapping Private(long length) =>
        new((nint)NativeMemory.AllocZeroed((nuint)length), length, mapped: false);

    /// <summary>Creates <paramref name="path"/> (which must not exist) at its full length, zeroed, mapped read-write.</summary>
    public static TableMapping CreateFile(string path, long length, UnixFileMode mode)
    {
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = mode,

            // Allocated now (fallocate), not page by page on first touch: on a tmpfs short of
            // room the first touch would be a SIGBUS in the daemon and in every reader, where
            // this is an IOException at start.
            PreallocationSize = length,
        });
        file.SetLength(length);
        return new TableMapping(Map(file.SafeFileHandle, length, Libc.PROT_READ | Libc.PROT_WRITE, path), length, mapped: true);
    }

    /// <summary>Maps an existing table file; null when it is missing or shorter than a header.</summary>
    public static TableMapping? OpenFile(string path, bool writable)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        using (file)
        {
            long length = file.Length;
            if (length < TableLayout.HeaderSize)
            {
                return null;
            }

            int protection = writable ? Libc.PROT_READ | Libc.PROT_WRITE : Libc.PROT_READ;
            return new TableMapping(Map(file.SafeFileHandle, length, protection, path), length, mapped: true)
            {
                FileId = IdentityOf((int)file.SafeFileHandle.DangerousGetHandle(), null),
            };
        }
    }

    private static nint Map(SafeFileHandle file, long length, int protection, string path)
    {
        nint address = Libc.MMap(0, (nuint)length, protection, Libc.MAP_SHARED, (int)file.DangerousGetHandle(), 0);
        if (address == Libc.MapFailed)
        {
            throw new IOException($"cannot map {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        return address;
    }

    /// <summary>The device and inode <paramref name="path"/> names now; (0, 0) when it names nothing.</summary>
    public static (ulong Device, ulong Inode) IdentityOf(string path) => IdentityOf(Libc.AT_FDCWD, path);

    private static (ulong Device, ulong Inode) IdentityOf(int fd, string? path)
    {
        Libc.StatxBuffer stat;
        fixed (byte* p = Libc.NullTerminated(path ?? "", stackalloc byte[Libc.PathMax]))
        {
            if (Libc.Statx(fd, p, path is null ? Libc.AT_EMPTY_PATH : 0, Libc.STATX_BASIC_STATS, &stat) != 0)
            {
                return (0, 0);
            }
        }

        return (((ulong)stat.DevMajor << 32) | stat.DevMinor, stat.Inode);
    }

    public void Dispose()
    {
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address == 0)
        {
            return;
        }

        if (_mapped)
        {
            _ = Libc.MUnmap(address, (nuint)Length);
        }
        else
        {
            NativeMemory.Free((void*)address);
        }
    }
}
