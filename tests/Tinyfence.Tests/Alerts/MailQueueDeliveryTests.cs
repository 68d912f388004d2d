using Tinyfence.Testing;
using MimeKit;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

public class MailQueueDeliveryTests
{
    [Fact]
    public void AlertArrivesWithFromToSubjectDateMessageIdAndUtf8Body()
    {
        using var server = SmtpTestServer.Start();
        (var log, var sink) = Log();
        var created = new DateTimeOffset(2026, 11, 25, 13, 14, 15, TimeSpan.FromHours(1));
        var alert = new AlertMessage("load 12.5 on www1 – ☂ ünïcödé", "la1 = 12.50 ≥ 10\nApache stopped: 18 € lost\n", created);

        using (var queue = new MailQueue(Settings(server, MailSecurity.None, "ops@example.org", "Night Shift <night@example.org>"), log))
        {
            queue.Enqueue(alert);
            server.WaitForMessages(1);
            Patience.WaitUntil(() => queue.Sent == 1 && queue.Pending == 0, "counters after delivery");
        }

        MimeMessage message = server.Message(1);
        Assert.Equal("tinyfence@example.org", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(["ops@example.org", "night@example.org"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("[tinyfence] load 12.5 on www1 – ☂ ünïcödé", message.Subject);
        Assert.Equal(created, message.Date);
        Assert.EndsWith("@example.org", message.MessageId, StringComparison.Ordinal);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal("la1 = 12.50 ≥ 10\nApache stopped: 18 € lost\n", (message.TextBody ?? "").ReplaceLineEndings("\n"));
        Assert.Equal("utf-8", message.BodyParts.OfType<TextPart>().Single().ContentType.Charset, ignoreCase: true);
        // A non-ASCII subject travels as an RFC 2047 encoded word, not raw 8-bit bytes.
        byte[] rawSubject = message.Headers.First(h => h.Id == HeaderId.Subject).RawValue;
        Assert.All(rawSubject, b => Assert.True(b < 0x80));
        Assert.Contains("=?utf-8?", System.Text.Encoding.ASCII.GetString(rawSubject), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["ops@example.org", "night@example.org"], server.EnvelopeRecipients(1));
        Assert.Contains("mail: sent \"load 12.5 on www1 – ☂ ünïcödé\" to ops@example.org, night@example.org (250 2.0.0 Ok: queued as TEST1)", sink.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleRecipientsReplaceTheSettingsRecipients()
    {
        using var server = SmtpTestServer.Start();
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.None, "ops@example.org"), log);

        queue.Enqueue(Alert("disk full") with { To = ["dba@example.org"] });

        server.WaitForMessages(1);
        Assert.Equal(["dba@example.org"], server.EnvelopeRecipients(1));
        Assert.Equal("dba@example.org", Assert.Single(server.Message(1).To.Mailboxes).Address);
    }

    [Fact]
    public void RefusedRecipientIsLoggedInTheServerWordsAndTheOthersStillGetTheMessage()
    {
        using var server = SmtpTestServer.Start("--refuse", "gone@example.org");
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.None, "gone@example.org", "ops@example.org"), log, FastRetry);

        queue.Enqueue(Alert("swap storm"));

        server.WaitForMessages(1);
        Assert.Equal(["ops@example.org"], server.EnvelopeRecipients(1));
        WaitForLine(sink, "mail: gone@example.org refused: 550 5.1.1 <gone@example.org>: Recipient address rejected");
        WaitForLine(sink, "mail: sent \"swap storm\" to ops@example.org (250 2.0.0 Ok: queued as TEST1)");
        Assert.Equal(0, queue.Failed);
        Assert.Equal(0, queue.Pending);
    }

    [Fact]
    public void MessageEveryRecipientRefusesIsDroppedNotRetried()
    {
        using var server = SmtpTestServer.Start("--refuse", "gone@example.org");
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.None, "gone@example.org"), log, FastRetry);

        queue.Enqueue(Alert("nobody home"));

        WaitForLine(sink, "mail: dropped \"nobody home\": every recipient was refused");
        Assert.Equal(1, queue.Failed);
        Assert.Equal(0, queue.Pending);
        // A 5xx is final: several backoff periods later the server, its events all in, has seen
        // one attempt only.
        Thread.Sleep(1500);
        server.Stop();
        Assert.Equal(1, server.Count("refused"));
        Assert.Equal(0, server.StoredCount());
    }

    [Fact]
    public void Temporary451OnDataIsRetriedAndTheMessageArrives()
    {
        using var server = SmtpTestServer.Start("--fail-data", "1");
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server), log, FastRetry);

        queue.Enqueue(Alert("retry me"));

        server.WaitForMessages(1);
        Assert.Equal("[tinyfence] retry me", server.Message(1).Subject);
        string deferred = WaitForLine(sink, "mail: server deferred \"retry me\"");
        Assert.Contains("451 4.3.0 Temporary failure, try again later", deferred, StringComparison.Ordinal);
        Assert.Contains("1 message queued, retrying in 200 ms", deferred, StringComparison.Ordinal);
        Assert.Equal(["data-refused 1"], server.Events.Where(e => e.StartsWith("data-refused", StringComparison.Ordinal)));
        Patience.WaitUntil(() => queue.Sent == 1 && queue.Pending == 0, "delivered after the retry");
    }

    [Fact]
    public void ServerDownAtFirstThenUpGetsEveryMessageAfterARetry()
    {
        int port = SmtpTestServer.FreePort();
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(port), log, FastRetry);
        queue.Enqueue(Alert("first"));
        queue.Enqueue(Alert("second"));
        queue.Enqueue(Alert("third"));

        string down = WaitForLine(sink, "mail: server down (connection refused), ");
        Assert.Matches(@"^mail: server down \(connection refused\), [1-3] messages? queued, retrying in \d+ ms$", down);
        Assert.Equal(3, queue.Pending);

        using var server = SmtpTestServer.StartOn(port);
        List<MimeMessage> messages = server.WaitForMessages(3);
        Assert.Equal(["[tinyfence] first", "[tinyfence] second", "[tinyfence] third"], messages.Select(m => m.Subject));
        Patience.WaitUntil(() => queue.Sent == 3 && queue.Pending == 0, "all delivered");
        Assert.Equal(0, queue.Dropped);
    }

    [Fact]
    public void FullQueueDropsTheOldestAndTheNextDeliveredMessageSaysHowMany()
    {
        int port = SmtpTestServer.FreePort();
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(port) with { QueueLimit = 3 }, log, FastRetry);
        for (int i = 1; i <= 10; i++)
        {
            queue.Enqueue(Alert($"alert {i}"));
        }

        Assert.Equal(7, queue.Dropped);
        Assert.Equal(3, queue.Pending);
        Assert.Matches(@"mail: queue full \(3\): dropped the oldest message ""alert [12]""", sink.Text);

        using var server = SmtpTestServer.StartOn(port);
        List<MimeMessage> messages = server.WaitForMessages(3);
        Patience.WaitUntil(() => queue.Pending == 0, "queue drained");
        Thread.Sleep(300);
        Assert.Equal(3, server.StoredCount());
        Assert.Contains("7 earlier alerts were dropped", messages[0].TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("dropped", messages[1].TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("dropped", messages[2].TextBody ?? "", StringComparison.Ordinal);
        // The newest survive (the one being sent when the queue overflowed may survive too).
        Assert.Equal("[tinyfence] alert 10", messages[2].Subject);
        Assert.Equal("[tinyfence] alert 9", messages[1].Subject);
    }

    [Fact]
    public void ConnectionIsReusedWhileMailFlowsAndClosedWhenIdle()
    {
        using var server = SmtpTestServer.Start();
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server), log, FastRetry with { IdleClose = TimeSpan.FromSeconds(1) });

        for (int i = 1; i <= 3; i++)
        {
            queue.Enqueue(Alert($"flow {i}"));
        }

        server.WaitForMessages(3);
        Assert.Equal(1, server.Count("connect"));
        Assert.True(server.WaitFor(e => e.Contains("disconnect"), Patience.Short), "the idle connection was not closed");

        queue.Enqueue(Alert("after a pause"));
        server.WaitForMessages(4);
        Assert.Equal(2, server.Count("connect"));
    }

    [Fact]
    public void ReloadedSettingsTakeOverTheQueuedMail()
    {
        int deadPort = SmtpTestServer.FreePort();
        using MailQueue queue = QueueInBackoff(deadPort, "queued before the reload");

        using var server = SmtpTestServer.Start();
        queue.Settings = Settings(server) with { SubjectPrefix = "[www1]" };

        // Kept, and tried at once with the new settings, not at the end of the old backoff.
        Assert.Equal("[www1] queued before the reload", server.WaitForMessages(1)[0].Subject);
        Patience.WaitUntil(() => queue.Pending == 0, "delivered after the reload");
    }
}
