using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Server;

/// <summary>
/// What both event loops (the line server's and the HTTP endpoint's) keep beside their
/// connections: the epoll instance, with the listener and an eventfd that wakes the loop for a
/// stop on it, and accepts that pause after an error rather than spin on it.
/// </summary>
internal sealed class ListenerLoop : IDisposable
{
    public const ulong ListenerToken = ulong.MaxValue;
    public const ulong WakeToken = ulong.MaxValue - 1;

    // Out of descriptors (EMFILE) and the like: the pending connection keeps the listener readable,
    // so the loop stops watching it this long rather than spin on the error.
    private const long AcceptPauseMs = 100;

    private readonly int _listenerFd;
    private readonly string _logPrefix;
    private readonly Logger _log;

    // The lock keeps a late Wake from writing to the eventfd's number once it is closed (after a
    // failure of the loop) and may be reused.
    private readonly Lock _wakeLock = new();
    private int _wakeFd = -1;
    private long _acceptResumeMs;

    /// <param name="listenerFd">A listening socket set non-blocking: the loop accepts until EAGAIN.</param>
    /// <param name="logPrefix">Starts the log lines ("server", "http").</param>
    public ListenerLoop(int listenerFd, string logPrefix, Logger log)
    {
        _listenerFd = listenerFd;
        _logPrefix = logPrefix;
        _log = log;
        Epoll = new Epoll();
        try
        {
            _wakeFd = Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (_wakeFd < 0)
            {
                throw new IOException($"cannot create the {logPrefix}'s wake-up eventfd: " + Marshal.GetLastPInvokeErrorMessage());
            }

            Epoll.Add(listenerFd, Libc.EPOLLIN, ListenerToken);
            Epoll.Add(_wakeFd, Libc.EPOLLIN, WakeToken);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Epoll Epoll { get; }

    /// <summary>Makes the loop see <see cref="WakeToken"/>; any thread, harmless once disposed.</summary>
    public void Wake()
    {
        lock (_wakeLock)
        {
            if (_wakeFd >= 0)
            {
                Libc.EventFdWrite(_wakeFd, 1);
            }
        }
    }

    /// <summary>Takes the wake-up, so the eventfd is not reported again.</summary>
    public unsafe void ClearWake()
    {
        ulong ignored;
        Libc.EventFdRead(_wakeFd, &ignored);
    }

    /// <summary>
    /// The next pending connection's descriptor (non-blocking, close-on-exec), or -1 when none is
    /// waiting, or when accepting failed: then it is logged and accepts pause (see <see cref="ResumeAcceptsIfDue"/>).
    /// </summary>
    public unsafe int Accept(long now)
    {
        while (true)
        {
            int fd = Libc.Accept4(_listenerFd, null, null, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                return fd;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EAGAIN)
            {
                return -1;
            }

            if (errno is Errno.EINTR or Libc.ECONNABORTED)
            {
                continue;
            }

            _log.Error($"{_logPrefix}: accept failed: {Marshal.GetPInvokeErrorMessage(errno)}; pausing accepts for {AcceptPauseMs} ms"
                + (errno is Errno.EMFILE or Libc.ENFILE ? " (raise the open-file limit: LimitNOFILE= in the systemd unit, ulimit -n)" : ""));
            Epoll.Modify(_listenerFd, 0, ListenerToken);
            _acceptResumeMs = now + AcceptPauseMs;
            return -1;
        }
    }

    /// <summary>The earlier of <paramref name="deadlineMs"/> and the end of an accept pause.</summary>
    public long Deadline(long deadlineMs) => _acceptResumeMs != 0 ? Math.Min(deadlineMs, _acceptResumeMs) : deadlineMs;

    /// <summary>Watches the listener again once a pause is over; not when <paramref name="listenerOpen"/> is false (a stop closed it).</summary>
    public void ResumeAcceptsIfDue(long now, bool listenerOpen)
    {
        if (_acceptResumeMs != 0 && now >= _acceptResumeMs)
        {
            _acceptResumeMs = 0;
            if (listenerOpen)
            {
                Epoll.Modify(_listenerFd, Libc.EPOLLIN, ListenerToken);
            }
        }
    }

    public void Dispose()
    {
        Epoll.Dispose();
        lock (_wakeLock)
        {
            if (_wakeFd >= 0)
            {
                Libc.Close(_wakeFd);
                _wakeFd = -1;
            }
        }
    }
}
