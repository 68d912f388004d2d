using Tinyfence.Testing;
using System.Diagnostics;
using Tinyfence.Alerts;
using Tinyfence.Logging;

namespace Tinyfence.Tests.Alerts;

/// <summary>Settings, logs and waits the mail tests share. Timeouts are hang guards (<see cref="Patience"/>).</summary>
internal static class MailFixture
{
    /// <summary>Short backoff so retries happen within a test; the rest as the product has it.</summary>
    public static readonly MailQueueOptions FastRetry = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(200),
        MaxBackoff = TimeSpan.FromSeconds(1),
    };

    public static MailSettings Settings(SmtpTestServer server, MailSecurity security = MailSecurity.None, params string[] to) =>
        Settings(server.Port, security, to);

    public static MailSettings Settings(int port, MailSecurity security = MailSecurity.None, params string[] to) =>
        new("127.0.0.1", port, security, "tinyfence@example.org", to.Length > 0 ? to : ["ops@example.org"])
        {
            Timeout = Patience.Short,
        };

    public static AlertMessage Alert(string subject, string body = "load is high") => new(subject, body, DateTimeOffset.Now);

    public static (Logger Log, MemorySink Sink) Log()
    {
        var sink = new MemorySink();
        return (new Logger(sink) { MinimumLevel = LogLevel.Debug }, sink);
    }

    /// <summary>
    /// A queue with a 5-minute backoff whose alert <paramref name="subject"/> failed once against
    /// <paramref name="port"/> (nothing listening there yet): it waits out the backoff.
    /// </summary>
    public static MailQueue QueueInBackoff(int port, string subject)
    {
        (var log, var sink) = Log();
        var slowRetry = FastRetry with { InitialBackoff = TimeSpan.FromMinutes(5), MaxBackoff = TimeSpan.FromMinutes(5) };
        var queue = new MailQueue(Settings(port), log, slowRetry);
        try
        {
            queue.Enqueue(Alert(subject));
            WaitForLine(sink, "retrying in 5 min");
            return queue;
        }
        catch
        {
            queue.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Enqueues an alert that the queue must refuse before it connects: its "cannot send" log line
    /// says <paramref name="why"/>, and the server saw no connection.
    /// </summary>
    public static void AssertRefusedBeforeConnecting(MailQueue queue, MemorySink sink, SmtpTestServer server, string subject, string why)
    {
        queue.Enqueue(Alert(subject));

        string line = WaitForLine(sink, "mail: cannot send (");
        Assert.Contains(why, line, StringComparison.Ordinal);
        Assert.Equal(0, server.Count("connect"));
    }

    /// <summary>Waits for a log line containing <paramref name="text"/>; fails with the whole log if none comes.</summary>
    public static string WaitForLine(MemorySink sink, string text, TimeSpan? timeout = null) =>
        WaitForLine(sink, line => line.Contains(text, StringComparison.Ordinal), $"a line containing '{text}'", timeout);

    public static string WaitForLine(MemorySink sink, Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Patience.Short;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach ((LogLevel _, string line) in sink.Lines)
            {
                if (match(line))
                {
                    return line;
                }
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"no log line matched {what} within {limit.TotalSeconds} s. Log:\n{sink.Text}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>A password file with the given mode.</summary>
    public static string PasswordFile(string directory, string password, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(directory, "smtp-password");
        File.WriteAllText(path, password + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
