using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>The send both event loops make: never waits for the client, never raises SIGPIPE.</summary>
internal static class NonBlockingSend
{
    /// <summary>How many of <paramref name="bytes"/> the socket took now (0 when it has no room), or -1 when the client is gone.</summary>
    public static unsafe int Send(int fd, ReadOnlySpan<byte> bytes)
    {
        nint sent;
        fixed (byte* start = bytes)
        {
            sent = Libc.Send(fd, start, (nuint)bytes.Length, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
        }

        if (sent >= 0)
        {
            return (int)sent;
        }

        return Marshal.GetLastPInvokeError() is Errno.EAGAIN or Errno.EINTR ? 0 : -1;
    }
}
