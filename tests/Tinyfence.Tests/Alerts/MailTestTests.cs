using Tinyfence.Testing;
using System.Text;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

/// <summary><c>tinyfence mail-test</c>'s engine: one attempt, and what the server said at each stage.</summary>
public sealed class MailTestTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tinyfence-mailtest-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReportsEveryStageInTheServerWordsAndNeverThePassword()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles, "--auth", "alice:pa55word", "--refuse", "gone@example.org"]);
        MailSettings settings = Settings(server, MailSecurity.StartTls, "ops@example.org", "gone@example.org") with
        {
            CaFile = pki.CaFile,
            User = "alice",
            PasswordFile = MailFixture.PasswordFile(_directory, "pa55word"),
        };

        MailTestReport report = MailTest.Send(settings, Alert("mail-test"));

        string[] lines = report.Summary.Split('\n');
        Assert.Equal($"connect: 127.0.0.1 port {server.Port} (STARTTLS): connected to 127.0.0.1", lines[0]);
        Assert.Equal("greeting: 220 tinyfence-test tinyfence-test-smtp", lines[1]);
        Assert.StartsWith("EHLO ", lines[2], StringComparison.Ordinal);
        Assert.Contains(": 250 tinyfence-test (SIZE 33554432, 8BITMIME, STARTTLS, HELP)", lines[2], StringComparison.Ordinal);
        Assert.Equal("STARTTLS: 220 Ready to start TLS", lines[3]);
        Assert.Matches(@"^TLS: TLS 1\.[23], TLS_\w+; certificate ""CN=localhost"" issued by ""CN=Tinyfence Test CA"", valid until \d{4}-\d\d-\d\d: trusted \(.*CA file .*ca\.pem \(1 certificate\)\)$", lines[4]);
        Assert.Contains("AUTH LOGIN PLAIN", lines[5], StringComparison.Ordinal);
        Assert.Equal("AUTH PLAIN as alice: 235 2.7.0 Authentication successful", lines[6]);
        Assert.Matches(@"^MAIL FROM:<tinyfence@example.org>.*: 250 OK$", lines[7]);
        Assert.Equal("RCPT TO:<ops@example.org>: 250 OK", lines[8]);
        Assert.Equal("RCPT TO:<gone@example.org>: 550 5.1.1 <gone@example.org>: Recipient address rejected", lines[9]);
        Assert.Equal("DATA: 354 End data with <CR><LF>.<CR><LF>", lines[10]);
        Assert.Equal("message: 250 2.0.0 Ok: queued as TEST1", lines[11]);
        Assert.Equal("QUIT: 221 Bye", lines[12]);
        Assert.Equal("result: delivered to ops@example.org; refused: gone@example.org", lines[13]);
        Assert.False(report.Success); // not every recipient got it

        string everything = report.Summary + "\n" + string.Join('\n', report.Dialogue);
        Assert.DoesNotContain("pa55word", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0pa55word")), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("pa55word")), everything, StringComparison.Ordinal);
        Assert.Contains("C: AUTH PLAIN ********", report.Dialogue);
        Assert.Contains("S: 235 2.7.0 Authentication successful", report.Dialogue);
        server.WaitForMessages(1);
    }

    [Fact]
    public void ImplicitTlsShowsTheTlsStageRightAfterTheConnection()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--tls", .. pki.ServerFiles]);

        MailTestReport report = MailTest.Send(Settings(server, MailSecurity.Tls) with { CaFile = pki.CaFile }, Alert("smtps"));

        Assert.True(report.Success, report.Summary);
        string[] lines = report.Summary.Split('\n');
        Assert.EndsWith("(implicit TLS): connected to 127.0.0.1", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("TLS: TLS 1.", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("greeting: 220", lines[2], StringComparison.Ordinal);
        Assert.Equal("result: delivered to ops@example.org", lines[^1]);
    }

    [Fact]
    public void ReportsARefusedConnection()
    {
        int port = SmtpTestServer.FreePort();

        MailTestReport report = MailTest.Send(Settings(port), Alert("nobody listens"));

        Assert.False(report.Success);
        Assert.Equal($"connect: 127.0.0.1 port {port} (no TLS): connection refused\nresult: failed: connection refused", report.Summary);
        Assert.Empty(report.Dialogue);
    }

    [Fact]
    public void ReportsAnUntrustedCertificateAtTheTlsStage()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);

        MailTestReport report = MailTest.Send(Settings(server, MailSecurity.StartTls), Alert("untrusted"));

        Assert.False(report.Success);
        string tls = report.Summary.Split('\n').Single(l => l.StartsWith("TLS: ", StringComparison.Ordinal));
        Assert.Contains("certificate \"CN=localhost\" issued by \"CN=Tinyfence Test CA\"", tls, StringComparison.Ordinal);
        Assert.Contains("REFUSED: the certificate of 127.0.0.1 (CN=localhost) was issued by \"CN=Tinyfence Test CA\", which is not a trusted CA", tls, StringComparison.Ordinal);
        Assert.StartsWith("result: failed: the certificate of 127.0.0.1", report.Summary.Split('\n')[^1], StringComparison.Ordinal);
        Assert.Equal(0, server.StoredCount());
    }

    [Fact]
    public void ReportsAWrongPasswordInTheServerWords()
    {
        using var server = SmtpTestServer.Start("--auth", "alice:right");
        MailSettings settings = Settings(server) with { User = "alice", PasswordFile = MailFixture.PasswordFile(_directory, "wrong") };

        MailTestReport report = MailTest.Send(settings, Alert("bad password"));

        Assert.False(report.Success, report.Summary);
        Assert.Contains("\nAUTH PLAIN as alice: 535 5.7.8 Authentication credentials invalid\n", report.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", string.Join('\n', report.Dialogue), StringComparison.Ordinal);
        // Send has returned: every try it made is among the server's events once its output ended.
        server.Stop();
        Assert.Equal(1, server.Count("auth-failed")); // one attempt, no retry
    }

    [Fact]
    public void ReportsAServerThatNeverGreetsAfterTheTimeout()
    {
        using var server = SmtpTestServer.Start("--hang");

        MailTestReport report = MailTest.Send(Settings(server) with { Timeout = TimeSpan.FromSeconds(2) }, Alert("hello?"));

        Assert.False(report.Success);
        Assert.Equal($"connect: 127.0.0.1 port {server.Port} (no TLS): connected to 127.0.0.1\nresult: failed: no answer within 2 s", report.Summary);
    }
}
