using Tinyfence.Testing;
using MimeKit;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

public class MailStormTests
{
    [Fact]
    public void StormOverTheRateLimitSendsTheLimitThenOneDigestOfAllTheRest()
    {
        using var server = SmtpTestServer.Start();
        (var log, var sink) = Log();
        var time = new FakeTime();
        MailSettings settings = Settings(server) with { RateLimit = 5, RatePeriod = TimeSpan.FromMinutes(1) };
        using var queue = new MailQueue(settings, log, FastRetry with { Time = time });

        for (int i = 1; i <= 50; i++)
        {
            queue.Enqueue(Alert($"alert {i}", $"body of alert {i}"));
        }

        List<MimeMessage> first = server.WaitForMessages(5);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"[tinyfence] alert {i}"), first.Select(m => m.Subject));
        string held = WaitForLine(sink, "mail: rate limit (5 per 1m): ");
        Assert.Matches(@"^mail: rate limit \(5 per 1m\): \d+ messages? held for a digest$", held);
        Patience.WaitUntil(() => queue.Pending == 45, "45 alerts held");
        Thread.Sleep(500);
        Assert.Equal(5, server.StoredCount());

        time.Advance(TimeSpan.FromMinutes(1));
        queue.Poke(); // in case the worker had not armed its timer yet

        List<MimeMessage> all = server.WaitForMessages(6);
        MimeMessage digest = all[5];
        Assert.Equal("[tinyfence] 45 alerts held by the mail rate limit (5 per 1m)", digest.Subject);
        string body = digest.TextBody ?? "";
        for (int i = 6; i <= 50; i++)
        {
            Assert.Contains($"  alert {i}\n", body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.Contains($"body of alert {i}", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("alert 5\n", body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Patience.WaitUntil(() => queue.Pending == 0, "digest delivered");
        Thread.Sleep(500);
        Assert.Equal(6, server.StoredCount());
        Assert.Equal(6, queue.Sent);
        // Holding is logged once, not once per held alert.
        Assert.Single(sink.Lines, l => l.Text.StartsWith("mail: rate limit", StringComparison.Ordinal));
    }

    [Fact]
    public void FlushSendsWhatTheRateLimitHoldsAtOnceAsOneDigest()
    {
        using var server = SmtpTestServer.Start();
        (var log, _) = Log();
        var time = new FakeTime();
        using var queue = new MailQueue(Settings(server) with { RateLimit = 1 }, log, FastRetry with { Time = time });
        queue.Enqueue(Alert("one"));
        server.WaitForMessages(1);
        queue.Enqueue(Alert("two"));
        queue.Enqueue(Alert("three"));
        Patience.WaitUntil(() => queue.Pending == 2, "two held");

        Assert.True(queue.Flush(Patience.Short));

        List<MimeMessage> messages = server.WaitForMessages(2);
        Assert.Equal("[tinyfence] 2 alerts held by the mail rate limit (1 per 1h)", messages[1].Subject);
        Assert.Equal(0, queue.Pending);
    }

    [Fact]
    public void RateLimiterAllowsTheLimitInAnySlidingPeriod()
    {
        var time = new FakeTime();
        var limiter = new RateLimiter(3, TimeSpan.FromMinutes(1), time);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(limiter.HasRoom(time.GetTimestamp()));
            limiter.Record(time.GetTimestamp());
            time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(limiter.HasRoom(time.GetTimestamp()));
        Assert.Equal(TimeSpan.FromSeconds(30), limiter.Wait(time.GetTimestamp()));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(limiter.HasRoom(time.GetTimestamp()));
        limiter.Record(time.GetTimestamp());
        Assert.False(limiter.HasRoom(time.GetTimestamp()));
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.Wait(time.GetTimestamp()));
    }

    [Fact]
    public void RateLimiterKeepsRecentSendsWhenAReloadChangesTheLimit()
    {
        var time = new FakeTime();
        var limiter = new RateLimiter(5, TimeSpan.FromMinutes(1), time);
        for (int i = 0; i < 4; i++)
        {
            limiter.Record(time.GetTimestamp());
        }

        RateLimiter smaller = limiter.WithSettings(3, TimeSpan.FromMinutes(1));
        Assert.False(smaller.HasRoom(time.GetTimestamp()));
        RateLimiter unlimited = limiter.WithSettings(0, TimeSpan.FromMinutes(1));
        Assert.True(unlimited.HasRoom(time.GetTimestamp()));
    }
}
