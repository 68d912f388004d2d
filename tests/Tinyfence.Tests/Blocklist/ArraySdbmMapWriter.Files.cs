using System.Runtime.InteropServices;
using Tinyfence.Blocklist;
using Tinyfence.Interop;

namespace Tinyfence.Tests.Blocklist;

/// <summary>The file side of <see cref="ArraySdbmMapWriter"/>: temporary file, fsync, rename.</summary>
internal sealed unsafe partial class ArraySdbmMapWriter
{
    // Pages are built into this many pages of buffer and written in order: 64 KiB per write keeps
    // the memory flat however large the map grows.
    private const int ChunkPages = 64;

    private const long UnixEpochTicks = 621_355_968_000_000_000;

    private readonly uint _fileMode;
    private readonly byte[] _dirPath;
    private readonly byte[] _pagPath;
    private readonly byte[] _dirTempPath;
    private readonly byte[] _pagTempPath;
    private readonly byte[] _folderPath;
    private readonly byte[] _chunk = new byte[ChunkPages * SdbmFormat.PageSize];
    private readonly byte[] _oldPage = new byte[SdbmFormat.PageSize];
    private byte[] _directory = [];

    // Depth of the complete tree in BASE.dir as last written or found at start; -1 when unknown.
    private int _diskDepth = -1;

    // mtime of the last page file, in microseconds since the epoch (apr_time_t's unit).
    private long _lastPageMtimeUs;

    /// <summary>Reads what a previous run left, so the first commit can be a seamless transition too.</summary>
    private void ReadExistingMap(string basePath)
    {
        try
        {
            var dir = new FileInfo(basePath + ".dir");
            if (dir.Exists && dir.Length <= SdbmDirectory.FileLength(_maxDepth))
            {
                int depth = SdbmDirectory.ParseDepth(File.ReadAllBytes(dir.FullName));
                _diskDepth = depth <= _maxDepth ? depth : -1;
            }

            var pag = new FileInfo(basePath + ".pag");
            if (pag.Exists)
            {
                _lastPageMtimeUs = (pag.LastWriteTimeUtc.Ticks - UnixEpochTicks) / 10;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: treat as unknown. The first commit then replaces both files, and a reader
            // racing it may miss keys for that one lookup.
            _diskDepth = -1;
        }
    }

    private PageCounts WritePageFile(int highDepth, int lowDepth, bool preferOldKeys)
    {
        // The page file being replaced, read through a descriptor that keeps it after the rename.
        int oldFd = preferOldKeys ? OpenOldPageFile() : -1;
        int fd = -1;
        var counts = default(PageCounts);
        try
        {
            fd = CreateTemp(_pagTempPath);
            int pages = 1 << highDepth;
            long offset = 0;
            for (int first = 0; first < pages; first += ChunkPages)
            {
                int inChunk = Math.Min(ChunkPages, pages - first);
                for (int i = 0; i < inChunk; i++)
                {
                    int page = first + i;
                    ReadOnlySpan<byte> oldPage = oldFd >= 0 && page < (1 << lowDepth) ? ReadOldPage(oldFd, page) : default;
                    BuildPage(_chunk.AsSpan(i * SdbmFormat.PageSize, SdbmFormat.PageSize), page, highDepth, lowDepth, oldPage, ref counts);
                }

                int length = inChunk * SdbmFormat.PageSize;
                WriteAll(fd, _chunk.AsSpan(0, length), offset, _pagTempPath);
                offset += length;
            }

            long nowUs = (DateTime.UtcNow.Ticks - UnixEpochTicks) / 10;
            long mtimeUs = Math.Max(nowUs, _lastPageMtimeUs + 1);
            SyncAndClose(ref fd, _pagTempPath, mtimeUs);
            MoveIntoPlace(_pagTempPath, _pagPath);
            _lastPageMtimeUs = mtimeUs;
        }
        finally
        {
            Abandon(fd, _pagTempPath);
            if (oldFd >= 0)
            {
                Libc.Close(oldFd);
            }
        }

        return counts;
    }

    /// <summary>The current page file, or -1 when there is none to read (its keys then get no preference).</summary>
    private int OpenOldPageFile()
    {
        fixed (byte* p = _pagPath)
        {
            return Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC);
        }
    }

    /// <summary>Page <paramref name="page"/> of the old page file, as apr-util reads it: zeros past the end or on a failed read.</summary>
    private ReadOnlySpan<byte> ReadOldPage(int fd, int page)
    {
        Span<byte> buffer = _oldPage;
        buffer.Clear();
        fixed (byte* start = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint read = Libc.PRead(fd, start + done, (nuint)(buffer.Length - done), ((long)page * SdbmFormat.PageSize) + done);
                if (read < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
                {
                    continue;
                }

                if (read <= 0)
                {
                    break;
                }

                done += (int)read;
            }
        }

        // A page apr-util would refuse holds nothing a reader finds.
        return SdbmPage.IsValid(buffer) ? buffer : default;
    }

    /// <summary>Gives the page file in place a later mtime, its bytes untouched.</summary>
    private void StampPageFile()
    {
        fixed (byte* p = _pagPath)
        {
            int fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0)
            {
                BlocklistThrowHelper.ThrowIO("cannot open", _pagPath, Marshal.GetLastPInvokeError());
            }

            long nowUs = (DateTime.UtcNow.Ticks - UnixEpochTicks) / 10;
            long mtimeUs = Math.Max(nowUs, _lastPageMtimeUs + 1);
            Libc.TimeSpec* times = stackalloc Libc.TimeSpec[2];
            times[0] = new Libc.TimeSpec { Seconds = 0, Nanoseconds = Libc.UTIME_OMIT };
            times[1] = new Libc.TimeSpec { Seconds = mtimeUs / 1_000_000, Nanoseconds = mtimeUs % 1_000_000 * 1000 };
            int status = Libc.FUtimens(fd, times);
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            if (status < 0)
            {
                BlocklistThrowHelper.ThrowIO("cannot set the mtime of", _pagPath, errno);
            }

            _lastPageMtimeUs = mtimeUs;
        }
    }

    private void WriteDirectoryFile(int depth)
    {
        int length = SdbmDirectory.FileLength(depth);
        if (_directory.Length < length)
        {
            _directory = new byte[length];
        }

        Span<byte> directory = _directory.AsSpan(0, length);
        SdbmDirectory.Write(directory, depth);
        int fd = CreateTemp(_dirTempPath);
        try
        {
            WriteAll(fd, directory, 0, _dirTempPath);
            SyncAndClose(ref fd, _dirTempPath, mtimeUs: 0);
            MoveIntoPlace(_dirTempPath, _dirPath);
        }
        finally
        {
            Abandon(fd, _dirTempPath);
        }
    }

    /// <summary>A new file (O_EXCL: a stale temporary file from a crash is removed first) with the map's mode.</summary>
    private int CreateTemp(byte[] path)
    {
        fixed (byte* p = path)
        {
            if (Libc.Unlink(p) < 0 && Marshal.GetLastPInvokeError() != Errno.ENOENT)
            {
                BlocklistThrowHelper.ThrowIO("cannot remove stale", path, Marshal.GetLastPInvokeError());
            }

            int fd;
            do
            {
                fd = Libc.OpenCreate(p, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, _fileMode);
            }
            while (fd < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);

            if (fd < 0)
            {
                BlocklistThrowHelper.ThrowIO("cannot create", path, Marshal.GetLastPInvokeError());
            }

            // The umask may have taken bits away; Apache's user must be able to read the map.
            if (Libc.FChmod(fd, _fileMode) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                Abandon(fd, path);
                BlocklistThrowHelper.ThrowIO("cannot chmod", path, errno);
            }

            return fd;
        }
    }

    private static void WriteAll(int fd, ReadOnlySpan<byte> data, long offset, byte[] path)
    {
        fixed (byte* start = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint written = Libc.PWrite(fd, start + done, (nuint)(data.Length - done), offset + done);
                if (written < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    BlocklistThrowHelper.ThrowIO("cannot write", path, errno);
                }

                done += (int)written;
            }
        }
    }

    /// <summary>Data on disk before the rename makes it visible, so a crash never leaves a short map.</summary>
    private static void SyncAndClose(ref int fd, byte[] path, long mtimeUs)
    {
        if (Libc.FSync(fd) < 0)
        {
            BlocklistThrowHelper.ThrowIO("cannot fsync", path, Marshal.GetLastPInvokeError());
        }

        Libc.TimeSpec* times = stackalloc Libc.TimeSpec[2];
        times[0] = new Libc.TimeSpec { Seconds = 0, Nanoseconds = Libc.UTIME_OMIT };
        times[1] = new Libc.TimeSpec { Seconds = mtimeUs / 1_000_000, Nanoseconds = mtimeUs % 1_000_000 * 1000 };
        if (Libc.FUtimens(fd, times) < 0)
        {
            BlocklistThrowHelper.ThrowIO("cannot set the mtime of", path, Marshal.GetLastPInvokeError());
        }

        int closing = fd;
        fd = -1;
        // Linux releases the descriptor even when close reports an error, so it is never retried.
        if (Libc.Close(closing) < 0 && Marshal.GetLastPInvokeError() != Errno.EINTR)
        {
            BlocklistThrowHelper.ThrowIO("cannot close", path, Marshal.GetLastPInvokeError());
        }
    }

    private static void MoveIntoPlace(byte[] from, byte[] to)
    {
        fixed (byte* source = from)
        fixed (byte* target = to)
        {
            if (Libc.Rename(source, target) < 0)
            {
                BlocklistThrowHelper.ThrowIO("cannot rename into place", to, Marshal.GetLastPInvokeError());
            }
        }
    }

    /// <summary>Makes the renames themselves durable. tmpfs (/run) ignores it; a disk needs it.</summary>
    private void SyncFolder()
    {
        fixed (byte* p = _folderPath)
        {
            int fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0)
            {
                BlocklistThrowHelper.ThrowIO("cannot open folder", _folderPath, Marshal.GetLastPInvokeError());
            }

            int status = Libc.FSync(fd);
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            if (status < 0)
            {
                BlocklistThrowHelper.ThrowIO("cannot fsync folder", _folderPath, errno);
            }
        }
    }

    /// <summary>On a failed commit: closes the descriptor if still open and removes the temporary file.</summary>
    private static void Abandon(int fd, byte[] path)
    {
        if (fd < 0)
        {
            return;
        }

        Libc.Close(fd);
        fixed (byte* p = path)
        {
            Libc.Unlink(p);
        }
    }
}
