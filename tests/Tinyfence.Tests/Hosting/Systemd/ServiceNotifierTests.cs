using System.Globalization;
using System.Net.Sockets;
using Tinyfence.Hosting.Systemd;
using Tinyfence.Logging;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Hosting.Systemd;

/// <summary>The notifier on its own: what it reads from the environment, when it sends, what a failure costs.</summary>
public sealed class ServiceNotifierTests : IDisposable
{
    private static readonly ServiceStatus s_status = new(Rules: 3, Tables: 1, Blocked: 2, Paused: false, ReloadOutcome.Applied);

    private readonly string _dir = Directory.CreateTempSubdirectory("tf-notifier-").FullName;
    private readonly MemorySink _sink = new();
    private readonly Logger _log;

    public ServiceNotifierTests() => _log = new Logger(_sink);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WithoutNotifySocketNothingIsSentAndNothingIsDue()
    {
        using ServiceNotifier notifier = ServiceNotifier.Create(null, "200000", null, System.Environment.ProcessId, _log);
        Assert.Null(notifier.SocketName);
        Assert.Equal(0, notifier.WatchdogIntervalMs);
        notifier.Ready(s_status, 0);
        notifier.Reloading();
        notifier.Stopping(1);
        Assert.Equal(long.MaxValue, notifier.Tick(s_status, 1000));
        Assert.Empty(_sink.Lines);
    }

    [Theory]
    [InlineData("200000", null, 100)]     // half systemd's limit
    [InlineData("200000", "self", 100)]   // WATCHDOG_PID naming us
    [InlineData("200000", "1", 0)]        // another process is the one watched (a wrapper started us)
    [InlineData("1500", null, 1)]         // under 2 ms: every millisecond, never "0 = no watchdog"
    [InlineData(null, null, 0)]
    public void TheWatchdogIsFedAtHalfItsIntervalAndOnlyByTheWatchedProcess(string? usec, string? pid, long expectedMs)
    {
        string? watched = pid == "self" ? System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture) : pid;
        using ServiceNotifier notifier = ServiceNotifier.Create(Path.Combine(_dir, "notify"), usec, watched, System.Environment.ProcessId, _log);
        Assert.Equal(expectedMs, notifier.WatchdogIntervalMs);
        Assert.Empty(_sink.Lines);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("30s")]
    public void AWatchdogUsecThatIsNotAPositiveNumberIsIgnoredWithAWarning(string usec)
    {
        using ServiceNotifier notifier = ServiceNotifier.Create(Path.Combine(_dir, "notify"), usec, null, System.Environment.ProcessId, _log);
        Assert.Equal(0, notifier.WatchdogIntervalMs);
        (LogLevel level, string text) = Assert.Single(_sink.Lines);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal($"WATCHDOG_USEC '{usec}' ignored: not a positive number of microseconds; no watchdog pings are sent", text);
    }

    [Fact]
    public void ANotifySocketThatIsNoSocketAddressIsIgnoredWithAWarning()
    {
        using ServiceNotifier notifier = ServiceNotifier.Create("vsock:2:1234", "200000", null, System.Environment.ProcessId, _log);
        Assert.Null(notifier.SocketName);
        Assert.Equal(long.MaxValue, notifier.Tick(s_status, 0));
        Assert.Equal("NOTIFY_SOCKET 'vsock:2:1234' ignored: neither an absolute path nor an abstract socket name ('@...'); systemd is not notified",
            Assert.Single(_sink.Lines).Text);
    }

    [Fact]
    public void AFailingSendIsLoggedOnceAndSendingAgainOnce()
    {
        string path = Path.Combine(_dir, "notify.sock");
        using ServiceNotifier notifier = ServiceNotifier.Create(path, "2000", null, System.Environment.ProcessId, _log);
        notifier.Ready(s_status, 0);
        for (long now = 1; now < 20; now++)
        {
            notifier.Tick(s_status, now); // nobody listens yet: every watchdog ping fails
        }

        (LogLevel level, string text) = Assert.Single(_sink.Lines);
        Assert.Equal(LogLevel.Warning, level);
        Assert.StartsWith($"cannot notify systemd on {path}: ", text, StringComparison.Ordinal);

        using Socket systemd = Bind(path);
        notifier.Tick(s_status, 100);
        notifier.Tick(s_status, 200);
        Assert.Equal(2, _sink.Lines.Count);
        Assert.Equal($"systemd notification socket {path}: sending again", _sink.Lines[1].Text);
        Assert.Equal("WATCHDOG=1\n", Receive(systemd));
    }

    [Fact]
    public void AChangedStatusIsSentAtMostOnceASecondAndAnUnchangedOneNever()
    {
        using var systemd = new NotifyListener();
        using ServiceNotifier notifier = ServiceNotifier.Create(systemd.Address, null, null, System.Environment.ProcessId, _log);
        ServiceStatus more = s_status with { Blocked = 3 };
        notifier.Ready(s_status, 10_000);
        Assert.Equal(11_000, notifier.Tick(more, 10_500));           // too soon: the loop is asked back in time
        Assert.Equal(long.MaxValue, notifier.Tick(more, 11_000));    // sent; nothing more is due
        Assert.Equal(long.MaxValue, notifier.Tick(more, 20_000));    // unchanged: not sent again
        notifier.Tick(s_status with { Paused = true }, 30_000);
        notifier.Stopping(runningCommands: 2);

        systemd.WaitFor("STOPPING=1");
        Assert.Equal(
        [
            "READY=1\nSTATUS=3 rules, 1 table, 2 blocked addresses\n",
            "STATUS=3 rules, 1 table, 3 blocked addresses\n",
            "STATUS=paused (SIGUSR1), 3 rules, 1 table, 2 blocked addresses\n",
            "STOPPING=1\nSTATUS=stopping: waiting for 2 running commands\n",
        ], systemd.Messages);
        Assert.Empty(_sink.Lines);
    }

    [Fact]
    public void ReloadingCarriesTheMonotonicClockInMicroseconds()
    {
        using var systemd = new NotifyListener(abstractNamespace: true);
        using ServiceNotifier notifier = ServiceNotifier.Create(systemd.Address, null, null, System.Environment.ProcessId, _log);
        long before = Posix.MonotonicMicroseconds();
        notifier.Reloading();
        long after = Posix.MonotonicMicroseconds();
        int index = systemd.WaitFor("RELOADING=1");
        string message = systemd.Messages[index];
        Assert.InRange(long.Parse(NotifyListener.Field(message, "MONOTONIC_USEC")!, CultureInfo.InvariantCulture), before, after);
        Assert.Equal("reloading the config", NotifyListener.Field(message, "STATUS"));
    }

    [Fact]
    public void FeedingTheWatchdogWithAnUnchangedStatusAllocatesNothing()
    {
        string path = Path.Combine(_dir, "notify.sock");
        using Socket systemd = Bind(path);
        using ServiceNotifier notifier = ServiceNotifier.Create(path, "2000", null, System.Environment.ProcessId, _log);
        notifier.Ready(s_status, 0);
        byte[] buffer = new byte[1024];
        long now = 0;
        long allocated = Allocations.OfRounds(() =>
        {
            notifier.Tick(s_status, ++now); // the watchdog is due every millisecond: one ping per round
            Drain(systemd, buffer);
        }, rounds: 2000);
        Assert.Equal(0, allocated);
        Assert.Empty(_sink.Lines);
    }

    [Fact]
    public void SendingAChangedStatusAllocatesNothing()
    {
        string path = Path.Combine(_dir, "notify.sock");
        using Socket systemd = Bind(path);
        using ServiceNotifier notifier = ServiceNotifier.Create(path, null, null, System.Environment.ProcessId, _log);
        notifier.Ready(s_status, 0);
        byte[] buffer = new byte[1024];
        long now = 0;
        int round = 0;
        long allocated = Allocations.OfRounds(() =>
        {
            notifier.Tick(s_status with { Blocked = ++round % 3 }, now += 1000);
            Drain(systemd, buffer);
        }, rounds: 2000);
        Assert.Equal(0, allocated);
        Assert.Empty(_sink.Lines);
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static string Receive(Socket socket)
    {
        byte[] buffer = new byte[1024];
        socket.ReceiveTimeout = 30_000;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
    }

    // Reads what was sent, on the measuring thread: the kernel queues only a few datagrams
    // (net.unix.max_dgram_qlen) before a non-blocking send fails.
    private static void Drain(Socket socket, byte[] buffer)
    {
        while (socket.Available > 0)
        {
            socket.Receive(buffer);
        }
    }
}
