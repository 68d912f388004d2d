using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Hosting.Systemd;

/// <summary>
/// The datagram socket messages to systemd leave by. It never blocks the main loop (a full queue
/// on systemd's side drops the message, as sd_notify's callers accept) and never throws: a failing
/// send is logged once, and once more when sending works again, so a watchdog ping every few
/// seconds cannot flood the log. Used from the main loop's thread only.
/// </summary>
internal sealed unsafe class NotifySocket(string name, byte[] address, Logger log) : IDisposable
{
    private int _fd = -1;
    private bool _failing;

    public string Name { get; } = name;

    public void Send(ReadOnlySpan<byte> message)
    {
        if (_fd < 0)
        {
            // Close-on-exec: the commands the daemon runs must not inherit a way to speak for it.
            _fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0);
            if (_fd < 0)
            {
                Failed(Marshal.GetLastPInvokeError());
                return;
            }
        }

        nint sent;
        int error;
        fixed (byte* data = message)
        fixed (byte* to = address)
        {
            do
            {
                sent = Libc.SendTo(_fd, data, (nuint)message.Length, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL, to, (uint)address.Length);
                error = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (error == Errno.EINTR);
        }

        if (sent < 0)
        {
            Failed(error);
        }
        else if (_failing)
        {
            _failing = false;
            log.Notice($"systemd notification socket {Name}: sending again");
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }

    private void Failed(int error)
    {
        if (!_failing)
        {
            _failing = true;
            log.Warning($"cannot notify systemd on {Name}: {Marshal.GetPInvokeErrorMessage(error)} (further failures are not logged)");
        }
    }
}
