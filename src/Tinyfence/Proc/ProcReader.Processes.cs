using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Proc;

public sealed unsafe partial class ProcReader
{
    // A /proc PID record is 32 bytes (19-byte header + up to 7 digits + NUL, 8-aligned): ~1,000 PIDs per getdents64.
    private const int DirectoryBufferSize = 32 * 1024;

    // PID, name (15 bytes, 64 for kernel workers) and state end within 100 bytes; the 49 fields after are not needed.
    private const int PidStatBufferSize = 512;

    // Uid is the 8th (2.6) or 9th line of status; the lines before it take at most about 300 bytes.
    private const int PidStatusBufferSize = 1024;

    // "NNNNNNNNNN/status" and a NUL is 18 bytes (pid_max is at most 2^22, 7 digits; 10 allowed).
    private const int PidPathBufferSize = 32;

    // A numeric name longer than this cannot be a PID (and would not fit the path buffer).
    private const int MaxPidDigits = 10;

    private readonly byte[] _rootPath;
    private readonly byte[] _directoryBuffer = new byte[DirectoryBufferSize];
    private readonly byte[] _pidFileBuffer = new byte[Math.Max(PidStatBufferSize, PidStatusBufferSize)];
    private readonly byte[] _pidPath = new byte[PidPathBufferSize];
    private int _rootFd = -1;

    /// <summary>
    /// Counts the processes under ROOT that <paramref name="filter"/> selects. Processes, not
    /// threads: /proc lists only thread-group leaders, as sysfence's readdir saw them. Without a
    /// user or a state in the filter no file is read (every numeric directory counts); with
    /// states <c>PID/stat</c> is read, with users <c>PID/status</c>. A process that exits during
    /// the scan (ENOENT, ESRCH) is skipped.
    /// </summary>
    public ReadResult CountProcesses(in ProcessFilter filter, out int count)
    {
        ArgumentNullException.ThrowIfNull(filter);
        count = 0;
        ReadResult result = RewindProcessDirectory();
        if (!result.IsOk)
        {
            return result;
        }

        while (true)
        {
            nint length;
            fixed (byte* buffer = _directoryBuffer)
            {
                length = Libc.GetDents64(_rootFd, buffer, (nuint)_directoryBuffer.Length);
            }

            if (length < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                CloseProcessDirectory();
                count = 0;
                return ReadResult.FromErrno(errno);
            }

            if (length == 0)
            {
                return ReadResult.Ok;
            }

            result = CountEntries(new ReadOnlySpan<byte>(_directoryBuffer, 0, (int)length), filter, ref count);
            if (!result.IsOk)
            {
                count = 0;
                return result;
            }
        }
    }

    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
    private ReadResult CountEntries(ReadOnlySpan<byte> entries, ProcessFilter filter, ref int count)
    {
        const int NameOffset = 19;
        while (entries.Length >= NameOffset)
        {
            int recordLength = entries[16] | (entries[17] << 8);
            if (recordLength < NameOffset || recordLength > entries.Length)
            {
                return ReadResult.Malformed;
            }

            byte type = entries[18];
            ReadOnlySpan<byte> name = entries[NameOffset..recordLength];
            int nul = name.IndexOf((byte)0);
            name = nul < 0 ? name : name[..nul];
            entries = entries[recordLength..];

            if ((type != Libc.DT_DIR && type != Libc.DT_UNKNOWN)
                || name.IsEmpty || name.Length > MaxPidDigits || name.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                continue;
            }

            if (Matches(name, filter))
            {
                count++;
            }
        }

        return ReadResult.Ok;
    }

    // One process that cannot be read is skipped, not the whole count: it may have exited
    // between getdents64 and the open (ENOENT) or the read (ESRCH, an empty read), or be hidden
    // from this daemon (hidepid=, an LSM: EPERM, EACCES). Only the root directory failing fails.
    private bool Matches(ReadOnlySpan<byte> pid, ProcessFilter filter)
    {
        if (filter.HasStates
            && !(ReadPidFile(pid, "/stat"u8, PidStatBufferSize, out ReadOnlySpan<byte> stat).IsOk
                && PidStatParser.TryParseState(stat, out byte state)
                && filter.MatchesState(state)))
        {
            return false;
        }

        return !filter.HasUsers
            || (ReadPidFile(pid, "/status"u8, PidStatusBufferSize, out ReadOnlySpan<byte> status).IsOk
                && PidStatusParser.TryParseEffectiveUid(status, out uint uid)
                && filter.MatchesUser(uid));
    }

    private ReadResult ReadPidFile(ReadOnlySpan<byte> pid, ReadOnlySpan<byte> file, int size, out ReadOnlySpan<byte> content)
    {
        content = default;
        Span<byte> path = _pidPath;
        pid.CopyTo(path);
        file.CopyTo(path[pid.Length..]);
        path[pid.Length + file.Length] = 0;

        int fd;
        fixed (byte* pathPointer = _pidPath)
        {
            fd = Libc.OpenAt(_rootFd, pathPointer, Libc.O_RDONLY | Libc.O_CLOEXEC);
        }

        if (fd < 0)
        {
            return ReadResult.FromErrno(Marshal.GetLastPInvokeError());
        }

        nint read;
        fixed (byte* buffer = _pidFileBuffer)
        {
            do
            {
                read = Libc.PRead(fd, buffer, (nuint)size, 0);
            }
            while (read < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        }

        int errno = read < 0 ? Marshal.GetLastPInvokeError() : 0;
        _ = Libc.Close(fd);
        if (read < 0)
        {
            return ReadResult.FromErrno(errno);
        }

        if (read == 0)
        {
            return ReadResult.FromErrno(Errno.ESRCH);
        }

        content = new ReadOnlySpan<byte>(_pidFileBuffer, 0, (int)read);
        return ReadResult.Ok;
    }

    // The directory stays open between scans and is rewound; a descriptor that cannot be rewound
    // or read is closed and opened again on the next scan.
    private ReadResult RewindProcessDirectory()
    {
        if (_rootFd >= 0 && Libc.LSeek(_rootFd, 0, Libc.SEEK_SET) == 0)
        {
            return ReadResult.Ok;
        }

        CloseProcessDirectory();
        fixed (byte* path = _rootPath)
        {
            _rootFd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        }

        return _rootFd >= 0 ? ReadResult.Ok : ReadResult.FromErrno(Marshal.GetLastPInvokeError());
    }

    private void CloseProcessDirectory()
    {
        if (_rootFd >= 0)
        {
            _ = Libc.Close(_rootFd);
            _rootFd = -1;
        }
    }
}
