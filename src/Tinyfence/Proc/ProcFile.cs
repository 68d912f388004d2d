using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Proc;

/// <summary>
/// One fixed /proc file kept open and re-read with pread at offset 0 (seq_file regenerates the
/// content on each read from offset 0), so a tick costs one syscall and no allocation. A failed
/// open or read closes the descriptor and the next read opens the file again: a file may appear
/// later (a container starts, a module loads) or a descriptor may go stale.
/// </summary>
internal sealed unsafe class ProcFile : IDisposable
{
    private readonly byte[] _path;
    private readonly byte[] _buffer;
    private int _fd = -1;

    public ProcFile(string path, int bufferSize)
    {
        _path = Libc.NullTerminated(path);
        _buffer = new byte[bufferSize];
    }

    /// <summary>Reads the file from offset 0 into the buffer; <paramref name="content"/> is valid until the next read.</summary>
    public ReadResult ReadAll(out ReadOnlySpan<byte> content)
    {
        content = default;
        ReadResult result = ReadAt(0, _buffer, out int length);
        if (result.IsOk)
        {
            content = new ReadOnlySpan<byte>(_buffer, 0, length);
        }

        return result;
    }

    /// <summary>
    /// Reads at <paramref name="offset"/> into <paramref name="destination"/>; a length of zero
    /// is the end of the file. For a large seq_file read in order, each offset is where the
    /// previous read ended, which seq_file serves without walking the table again.
    /// </summary>
    public ReadResult ReadAt(long offset, Span<byte> destination, out int length)
    {
        length = 0;
        if (_fd < 0)
        {
            fixed (byte* path = _path)
            {
                _fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
            }

            if (_fd < 0)
            {
                return ReadResult.FromErrno(Marshal.GetLastPInvokeError());
            }
        }

        nint read;
        fixed (byte* buffer = destination)
        {
            do
            {
                read = Libc.PRead(_fd, buffer, (nuint)destination.Length, offset);
            }
            while (read < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        }

        if (read < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Close();
            return ReadResult.FromErrno(errno);
        }

        length = (int)read;
        return ReadResult.Ok;
    }

    public void Close()
    {
        if (_fd >= 0)
        {
            // Linux releases the descriptor even when close reports an error, so there is
            // nothing to retry.
            _ = Libc.Close(_fd);
            _fd = -1;
        }
    }

    public void Dispose() => Close();
}
