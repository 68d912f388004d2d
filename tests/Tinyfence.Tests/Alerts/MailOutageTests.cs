using MimeKit;
using Tinyfence.Alerts;
using Tinyfence.Logging;
using Tinyfence.Testing;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

/// <summary>
/// The SMTP server going away in the middle of a mail flow and coming back after a long outage.
/// The product retries after 2 s, doubling up to 5 min, so ten minutes down is some ten failed
/// attempts with the backoff at its cap; here the backoff runs from 50 ms to 400 ms and the outage
/// lasts as many attempts.
/// </summary>
public class MailOutageTests
{
    private const int OutageAttempts = 10;
    private const int QueueLimit = 20;

    [Fact]
    public void EveryMailQueuedThroughALongOutageArrivesInOrderOnceTheServerIsBack()
    {
        int port = SmtpTestServer.FreePort();
        (var log, var sink) = Log();
        MailQueueOptions retry = FastRetry with { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(400) };
        using var queue = new MailQueue(Settings(port) with { QueueLimit = QueueLimit, RateLimit = 1000 }, log, retry);

        using (var before = SmtpTestServer.StartOn(port))
        {
            for (int i = 1; i <= 3; i++)
            {
                queue.Enqueue(Alert($"before {i}"));
            }

            before.WaitForMessages(3);
            Patience.WaitUntil(() => queue.Sent == 3, "the first three sent");
        }

        // Alerts keep coming while the server is down, up to the queue's bound.
        for (int i = 1; i <= QueueLimit; i++)
        {
            queue.Enqueue(Alert($"during {i}"));
            int attempts = ServerDownLines(sink);
            Patience.WaitUntil(() => i % 4 != 0 || ServerDownLines(sink) > attempts, "a failed attempt");
        }

        Patience.WaitUntil(() => ServerDownLines(sink) >= OutageAttempts, $"{OutageAttempts} failed attempts");
        Assert.Contains(sink.Lines, l => l.Text.EndsWith("retrying in 400 ms", StringComparison.Ordinal));
        Assert.Equal(QueueLimit, queue.Pending);

        using var after = SmtpTestServer.StartOn(port);
        List<MimeMessage> messages = after.WaitForMessages(QueueLimit);
        Assert.Equal(Enumerable.Range(1, QueueLimit).Select(i => $"[tinyfence] during {i}"), messages.Select(m => m.Subject));
        Patience.WaitUntil(() => queue.Pending == 0 && queue.Sent == 3 + QueueLimit, "the queue drained");
        Assert.Equal(0, queue.Dropped);
    }

    private static int ServerDownLines(MemorySink sink) => sink.Lines.Count(l => l.Level == LogLevel.Warning && l.Text.StartsWith("mail: server down", StringComparison.Ordinal));
}
