using System.Net.Sockets;
using System.Text;
using Tinyfence.Logging;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Logging;

public sealed class SyslogSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-syslog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Socket Listen(string path)
    {
        var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(path));
        server.ReceiveTimeout = (int)Patience.Short.TotalMilliseconds;
        return server;
    }

    private static string Receive(Socket server)
    {
        var buffer = new byte[4096];
        int length = server.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    [Fact]
    public void SendsRfc3164LinesWithFacilityAndSeverity()
    {
        string path = Path.Combine(_dir, "log");
        using Socket server = Listen(path);
        using var sink = new SyslogSink(SyslogFacility.Local3, path);
        var log = new Logger(sink);
        log.Write(LogLevel.Warning, "rule \"x\" fired: la1=9.00"u8);
        // local3 = 19; 19 * 8 + warning (4) = 156
        Assert.Equal($"<156>tinyfence[{Environment.ProcessId}]: rule \"x\" fired: la1=9.00", Receive(server));
    }

    [Fact]
    public void ReconnectsWhenTheSyslogDaemonRecreatesItsSocket()
    {
        string path = Path.Combine(_dir, "log");
        using var sink = new SyslogSink(SyslogFacility.Daemon, path);
        var log = new Logger(sink);
        using (Socket first = Listen(path))
        {
            log.Notice("one");
            Assert.EndsWith("one", Receive(first), StringComparison.Ordinal);
        }

        File.Delete(path);
        using Socket second = Listen(path);
        log.Notice("two");
        Assert.EndsWith("two", Receive(second), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutASyslogDaemonTheSinkRetriesOnlyEveryFewSeconds()
    {
        using var sink = new SyslogSink(SyslogFacility.Daemon, Path.Combine(_dir, "nobody-listens"));
        var log = new Logger(sink);
        log.Notice("first"); // tries to connect, fails, falls back to stderr
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            log.Write(LogLevel.Notice, "rule \"x\" fired: la1=9.00"u8);
        }

        // No reconnect attempt (a socket and an exception each) per line.
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WithoutASyslogDaemonLinesGoToStderrInsteadOfBeingLost()
    {
        using var sink = new SyslogSink(SyslogFacility.Daemon, Path.Combine(_dir, "nobody-listens"));
        var log = new Logger(sink);
        log.Error("still visible"); // must not throw; the fallback writes to the process's stderr
    }

    [Fact]
    public void LoggerCutsOverlongLines()
    {
        var memory = new MemorySink();
        var log = new Logger(memory);
        log.Info(new string('x', Logger.MaxLineBytes * 2));
        Assert.Equal(Logger.MaxLineBytes, memory.Lines.Single().Text.Length);
    }

    [Fact]
    public void LevelsBelowTheMinimumAreDropped()
    {
        var memory = new MemorySink();
        var log = new Logger(memory) { MinimumLevel = LogLevel.Notice };
        log.Info("hidden");
        log.Notice("shown");
        Assert.Equal(["shown"], memory.Lines.Select(l => l.Text));
    }
}
