using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Adapters;

/// <summary>
/// Writes the feed's log lines to a file, as Apache's own CustomLog would: buffered, reopened on
/// SIGHUP or when the file was moved away (logrotate), and rotated to <c>FILE.1</c> when over a
/// maximum size (rotatelogs). A disk error never reaches the caller: lines that cannot be written
/// are dropped and counted, and the error is reported once per spell of failures.
/// </summary>
/// <remarks>
/// One lock guards the buffer: lines come from the feed's thread, the once-a-second flush and
/// check from a timer. Both are uncontended nearly always, so a line costs a copy.
/// </remarks>
public sealed unsafe class AccessLogWriter : IDisposable
{
    /// <summary>64 KiB: hundreds of lines per write(2), and larger than any line Apache writes (8 KiB request line plus headers).</summary>
    public const int DefaultBufferBytes = 64 * 1024;

    // rw-r----- : Apache's logs are readable by the adm group on Debian, not by everyone.
    private const uint FileMode = 0x1A0;

    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly byte[] _buffer;
    private readonly byte[] _pathZ;
    private readonly byte[] _rotatedPathZ;
    private readonly long _maxBytes;
    private readonly Action<string>? _report;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private int _buffered;
    private int _bufferedLines;
    private int _fd = -1;
    private ulong _device;
    private ulong _inode;
    private long _fileBytes;
    private long _lastOpenAttempt;
    private bool _failing;
    private bool _rotateFailing;
    private long _lastRotateFailure;
    private long _droppedAtFailure;
    private volatile bool _reopenRequested;
    private bool _disposed;

    /// <param name="path">The log file; created with mode 0640 when missing.</param>
    /// <param name="maxBytes">Rotate before the file would grow past this size; 0 for never.</param>
    /// <param name="report">Receives a message when writing starts failing and when it works again;
    /// called under the writer's lock, so it must not call back into the writer.</param>
    /// <param name="time">The clock of the once-a-second flush (tests pass a fake one).</param>
    /// <param name="bufferBytes">The write buffer.</param>
    public AccessLogWriter(string path, long maxBytes = 0, Action<string>? report = null, TimeProvider? time = null, int bufferBytes = DefaultBufferBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1);
        Path = path;
        _pathZ = Libc.NullTerminated(path);
        _rotatedPathZ = Encoding.UTF8.GetBytes(path + ".1\0");
        _maxBytes = maxBytes;
        _report = report;
        _time = time ?? TimeProvider.System;
        _buffer = new byte[bufferBytes];
        lock (_lock)
        {
            _lastOpenAttempt = _time.GetTimestamp();
            Open();
        }

        _timer = _time.CreateTimer(static state => ((AccessLogWriter)state!).Tick(), this, s_interval, s_interval);
    }

    public string Path { get; }

    /// <summary>Lines lost to write or open errors.</summary>
    public long DroppedLines { get; private set; }

    /// <summary>Times the file was renamed to FILE.1 for its size.</summary>
    public long Rotations { get; private set; }

    /// <summary>Times the file was reopened (asked to, or found moved), rotations excluded.</summary>
    public long Reopens { get; private set; }

    /// <summary>Whether a file is open now.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _fd >= 0;
            }
        }
    }

    /// <summary>Reopen the path before the next write (SIGHUP). Safe from any thread.</summary>
    public void RequestReopen() => _reopenRequested = true;

    /// <summary>Appends the line and a newline. <paramref name="line"/> holds no newline of its own.</summary>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                DroppedLines++;
                return;
            }

            if (_reopenRequested)
            {
                Reopen();
            }

            long needed = line.Length + 1L;
            if (_maxBytes > 0 && _fd >= 0 && _fileBytes + _buffered > 0 && _fileBytes + _buffered + needed > _maxBytes &&
                (!_rotateFailing || _time.GetElapsedTime(_lastRotateFailure) >= s_interval))
            {
                WriteBuffer();
                Rotate();
            }

            if (needed > _buffer.Length - _buffered)
            {
                WriteBuffer();
                if (needed > _buffer.Length)
                {
                    WriteUnbuffered(line);
                    return;
                }
            }

            line.CopyTo(_buffer.AsSpan(_buffered));
            _buffer[_buffered + line.Length] = (byte)'\n';
            _buffered += line.Length + 1;
            _bufferedLines++;
        }
    }

    /// <summary>Writes what is buffered now.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            WriteBuffer();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            WriteBuffer();
            Close();
            _disposed = true;
        }
    }

    // Once a second: the buffer goes out, a reopen asked for by signal happens even without new
    // lines, and a moved or deleted file is noticed. Called by the timer (tests call it directly).
    internal void Tick()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_reopenRequested)
            {
                Reopen();
            }
            else if (_fd >= 0 && (_failing || !PathNamesOpenFile()))
            {
                // A write error may belong to this descriptor (EIO after a remount): a fresh open
                // costs nothing when it does not.
                Reopen();
            }

            WriteBuffer();
        }
    }

    private void Reopen()
    {
        _reopenRequested = false;
        WriteBuffer();
        Close();
        Reopens++;
        _lastOpenAttempt = _time.GetTimestamp();
        Open();
    }

    private void Rotate()
    {
        // A file already moved away (logrotate) is not ours to rename again: just start anew.
        if (_fd >= 0 && PathNamesOpenFile())
        {
            fixed (byte* from = _pathZ)
            fixed (byte* to = _rotatedPathZ)
            {
                if (Libc.Rename(from, to) != 0)
                {
                    // Keep appending rather than lose what could not be moved; try again in a second.
                    _lastRotateFailure = _time.GetTimestamp();
                    if (!_rotateFailing)
                    {
                        _rotateFailing = true;
                        _report?.Invoke($"cannot rename {Path} to {Path}.1: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}; the file grows past its maximum size until it works");
                    }

                    return;
                }
            }
        }

        _rotateFailing = false;

        Close();
        Rotations++;
        _lastOpenAttempt = _time.GetTimestamp();
        Open();
    }

    private void Open()
    {
        fixed (byte* path = _pathZ)
        {
            // Created with O_EXCL first so that only a file made here gets its mode forced to 0640
            // (the umask may narrow the open's mode); an existing file keeps the mode it was given.
            int fd = Libc.OpenCreate(path, Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, FileMode);
            if (fd >= 0)
            {
                _ = Libc.FChmod(fd, FileMode);
            }
            else if (Marshal.GetLastPInvokeError() == Errno.EEXIST)
            {
                fd = Libc.OpenCreate(path, Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_CLOEXEC, FileMode);
            }

            if (fd < 0)
            {
                Fail("cannot open " + Path, Marshal.GetLastPInvokeError());
                return;
            }

            Libc.StatxBuffer stat;
            byte emptyPath = 0;
            if (Libc.Statx(fd, &emptyPath, Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS, &stat) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                _ = Libc.Close(fd);
                Fail("cannot stat " + Path, errno);
                return;
            }

            _fd = fd;
            _device = ((ulong)stat.DevMajor << 32) | stat.DevMinor;
            _inode = stat.Inode;
            _fileBytes = (long)stat.Size;
        }
    }

    private void Close()
    {
        if (_fd >= 0)
        {
            _ = Libc.Close(_fd);
            _fd = -1;
        }
    }

    // Also refreshes the size, which another program may have changed (copytruncate).
    private bool PathNamesOpenFile()
    {
        Libc.StatxBuffer stat;
        fixed (byte* path = _pathZ)
        {
            if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_BASIC_STATS, &stat) != 0)
            {
                return false;
            }
        }

        if ((((ulong)stat.DevMajor << 32) | stat.DevMinor) != _device || stat.Inode != _inode)
        {
            return false;
        }

        _fileBytes = (long)stat.Size;
        return true;
    }

    private void WriteBuffer()
    {
        if (_buffered == 0)
        {
            return;
        }

        bool written = WriteAll(_buffer.AsSpan(0, _buffered));
        if (!written)
        {
            DroppedLines += _bufferedLines;
        }

        _buffered = 0;
        _bufferedLines = 0;
    }

    private void WriteUnbuffered(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> newline = "\n"u8;
        if (!WriteAll(line) || !WriteAll(newline))
        {
            DroppedLines++;
        }
    }

    // False when the bytes could not all be written: no file (and reopening failed), or an error.
    private bool WriteAll(ReadOnlySpan<byte> bytes)
    {
        if (_fd < 0)
        {
            // A missing directory or a full inode table may be fixed any time: retry once a second.
            if (_time.GetElapsedTime(_lastOpenAttempt) < s_interval)
            {
                return false;
            }

            _lastOpenAttempt = _time.GetTimestamp();
            Open();
            if (_fd < 0)
            {
                return false;
            }
        }

        fixed (byte* start = bytes)
        {
            int offset = 0;
            while (offset < bytes.Length)
            {
                nint n = Libc.Write(_fd, start + offset, (nuint)(bytes.Length - offset));
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    _fileBytes += offset;
                    Fail("cannot write to " + Path, errno);
                    return false;
                }

                offset += (int)n;
            }
        }

        _fileBytes += bytes.Length;
        if (_failing)
        {
            _failing = false;
            _report?.Invoke($"writing {Path} again; {DroppedLines - _droppedAtFailure} lines were dropped");
        }

        return true;
    }

    private void Fail(string what, int errno)
    {
        if (!_failing)
        {
            _failing = true;
            _droppedAtFailure = DroppedLines;
            _report?.Invoke($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}; lines are dropped until it works again");
        }
    }
}
