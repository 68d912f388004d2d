using MimeKit;
using Tinyfence.Alerts;
using Tinyfence.Testing;
using Tinyfence.Tests.Alerts;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Rules;

/// <summary>Rules that mail, end to end: the engine, the composer, the queue and a real SMTP server.</summary>
public sealed class RuleMailTests
{
    private static string MailSection(SmtpTestServer server) =>
        $$"""mail { server "127.0.0.1" port {{server.Port}} security none from "tinyfence@example.com" to "admin@example.com" }""";

    [Fact]
    public void AMailWaitsForTheCommandAndTellsHowItEnded()
    {
        using SmtpTestServer server = SmtpTestServer.Start();
        using var h = new EngineHarness(MailSection(server) + "\nrule 'apache' { la1 >= 10 } run once 'echo stopping apache; exit 3' mail once",
            "overloaded", carried: null, proc: null, MailFixture.FastRetry);
        h.Tick(0);

        MimeMessage message = Assert.Single(server.WaitForMessages(1));
        string host = Environment.MachineName;
        Assert.Equal($"[tinyfence] {host}: apache fired, command failed (exit status 3) - la1=12.50", message.Subject);
        Assert.Equal("admin@example.com", message.To.Mailboxes.Single().Address);
        string body = message.TextBody ?? "";
        Assert.Contains("Rule:       apache (test.conf:2)\n", body, StringComparison.Ordinal);
        Assert.Contains("Condition:  la1 >= 10\nReadings:   la1=12.50\n", body, StringComparison.Ordinal);
        Assert.Contains("Command:    echo stopping apache; exit 3\nResult:     exit status 3", body, StringComparison.Ordinal);
        Assert.Contains("Output (1 of 1 lines):\n    stopping apache\n", body, StringComparison.Ordinal);
        Assert.Contains("    load         12.50 7.20 3.10\n", body, StringComparison.Ordinal);
        Assert.Contains("top processes by CPU", body, StringComparison.Ordinal);
    }

    [Fact]
    public void RecoveryMailsTheRulesOwnRecipientsOnce()
    {
        using SmtpTestServer server = SmtpTestServer.Start();
        using var h = new EngineHarness(MailSection(server) + "\nrule 'load' { la1 >= 10 } mail once until { la1 <= 2 } mail to \"oncall@example.com\"",
            "idle", carried: null, proc: null, MailFixture.FastRetry);
        h.Proc.SetLoad(12);
        h.Tick(0);
        h.Tick(10_000);
        h.Proc.SetLoad(1);
        h.Tick(20_000);
        h.Tick(30_000);

        List<MimeMessage> messages = server.WaitForMessages(2);
        Assert.Equal(2, messages.Count);
        MimeMessage recovered = messages.Single(m => (m.Subject ?? "").Contains("recovered", StringComparison.Ordinal));
        Assert.Equal("oncall@example.com", recovered.To.Mailboxes.Single().Address);
        Assert.Contains("Condition:  la1 <= 2\nReadings:   la1=1.00\n", recovered.TextBody ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void ADeadSmtpServerDoesNotHoldUpTheChecks()
    {
        // The server accepts connections and never answers: every SMTP step would wait its timeout.
        using SmtpTestServer server = SmtpTestServer.Start("--hang");
        using var h = new EngineHarness(MailSection(server) + "\nrule 'load' { la1 >= 0 } log mail step 1",
            "idle", carried: null, proc: null, MailFixture.FastRetry);
        for (int i = 0; i < 200; i++)
        {
            h.Tick(i * 1000L);
        }

        // Every check happened and logged; the mails wait in the queue (composition is async).
        Assert.Equal(200, h.Count("rule \"load\" fired"));
        Patience.WaitUntil(() => h.Mail!.Queue.Pending > 0, "mail queued while the server hangs");
        Assert.Equal(0, h.Mail!.Queue.Sent);
    }
}
