using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Adapters;

/// <summary>
/// An inherited descriptor (fd 0, 1 or 2) as an unbuffered stream: read(2) and write(2), nothing
/// else. Not a <see cref="FileStream"/>: over a handle it asks lseek twice whether it can seek and
/// is two finalizable objects, which the filter Apache starts for every POST body paid for each of
/// its pipes. The descriptor is not closed: it belongs to the process.
/// </summary>
public sealed unsafe class DescriptorStream(int fd, FileAccess access) : Stream
{
    public override bool CanRead => access.HasFlag(FileAccess.Read);

    public override bool CanWrite => access.HasFlag(FileAccess.Write);

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The exception for a failed call: the system's words and the errno, which is also its HResult.</summary>
    public static IOException Failure(int errno) => new($"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    /// <exception cref="IOException">read(2) failed.</exception>
    public override int Read(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                nint read = Libc.Read(fd, start, (nuint)buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw Failure(errno);
                }
            }
        }
    }

    /// <summary>Writes all of <paramref name="buffer"/>.</summary>
    /// <exception cref="IOException">write(2) failed (EPIPE included: the reader went away).</exception>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            for (int done = 0; done < buffer.Length;)
            {
                nint written = Libc.Write(fd, start + done, (nuint)(buffer.Length - done));
                if (written >= 0)
                {
                    done += (int)written;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN)
                {
                    // A non-blocking descriptor inherited from the caller: wait until it takes more.
                    var ready = new Libc.PollFd { Fd = fd, Events = Libc.POLLOUT };
                    _ = Libc.Poll(&ready, 1, -1);
                }
                else if (errno != Errno.EINTR)
                {
                    throw Failure(errno);
                }
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
