using Tinyfence.Testing;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

public class MailTlsTests
{
    [Fact]
    public void StartTlsWithThePrivateCaGivenAsCaFileDelivers()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls) with { CaFile = pki.CaFile }, log, FastRetry);

        queue.Enqueue(Alert("over TLS"));

        server.WaitForMessages(1);
        WaitForLine(sink, "mail: sent \"over TLS\"");
    }

    [Fact]
    public void StartTlsWithoutTheCaFileIsRefusedByDefaultAndSaysWhy()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls), log, FastRetry);

        queue.Enqueue(Alert("should not go"));

        string line = WaitForLine(sink, "mail: cannot send (");
        Assert.Contains("the certificate of 127.0.0.1 (CN=localhost) was issued by \"CN=Tinyfence Test CA\", which is not a trusted CA", line, StringComparison.Ordinal);
        Assert.Contains("to trust a private CA, give its certificate (PEM) as the CA file", line, StringComparison.Ordinal);
        Assert.Contains("1 message queued, retrying in", line, StringComparison.Ordinal);
        Assert.Equal(0, server.StoredCount());
        Assert.Equal(1, queue.Pending);
    }

    [Fact]
    public void ImplicitTlsDelivers()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--tls", .. pki.ServerFiles]);
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.Tls) with { CaFile = pki.CaFile }, log, FastRetry);

        queue.Enqueue(Alert("smtps"));

        Assert.Equal("[tinyfence] smtps", server.WaitForMessages(1)[0].Subject);
    }

    [Fact]
    public void SystemBundleThatExistsOnlyAtTheRhelPathIsFoundAndTrusted()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);
        string debian = Path.Combine(pki.Directory, "root", "etc/ssl/certs/ca-certificates.crt");
        string rhel = pki.PlaceCaAt("/etc/pki/tls/certs/ca-bundle.crt");
        (var log, var sink) = Log();
        var options = FastRetry with { SystemBundleCandidates = [debian, rhel] };
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls), log, options);

        queue.Enqueue(Alert("trusted through the RHEL bundle"));

        server.WaitForMessages(1);
        Assert.False(File.Exists(debian));

        MailTestReport report = MailTest.Send(Settings(server, MailSecurity.StartTls), Alert("mail-test too"), [debian, rhel]);
        Assert.True(report.Success, report.Summary);
        Assert.Contains($"trusted (system bundle {rhel} (1 certificate))", report.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot send", sink.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoSystemBundleAnywhereAndNoCaFileSaysWhereItLooked()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);
        string missing = Path.Combine(pki.Directory, "nowhere.pem");
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls), log, FastRetry with { SystemBundleCandidates = [missing] });

        AssertRefusedBeforeConnecting(queue, sink, server, "no trust", $"no system CA bundle (looked for {missing})");
    }

    [Fact]
    public void CertificateIssuedForAnotherHostIsRefused()
    {
        using var pki = TestPki.Create(dnsName: "mail.example.org", withLoopbackAddress: false);
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls) with { CaFile = pki.CaFile }, log, FastRetry);

        queue.Enqueue(Alert("wrong name"));

        string line = WaitForLine(sink, "mail: cannot send (");
        Assert.Contains("the certificate of 127.0.0.1 was issued for mail.example.org, not for 127.0.0.1", line, StringComparison.Ordinal);
        Assert.Equal(0, server.StoredCount());
    }

    [Fact]
    public void StartTlsAskedForButNotOfferedIsNeverSentInClear()
    {
        using var server = SmtpTestServer.Start();
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls), log, FastRetry);

        queue.Enqueue(Alert("secret"));

        string line = WaitForLine(sink, "mail: cannot send (");
        Assert.Contains("STARTTLS", line, StringComparison.Ordinal);
        // A retry too (its failure says 400 ms), then all the server saw of both.
        WaitForLine(sink, "retrying in 400 ms");
        server.Stop();
        Assert.True(server.Count("connect") >= 2, string.Join('\n', server.Events));
        Assert.Equal(0, server.Count("mail"));
        Assert.Equal(0, server.StoredCount());
    }

    [Fact]
    public void VerificationOffAcceptsAnUntrustedCertificateWithAWarning()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles]);
        (var log, var sink) = Log();
        using var queue = new MailQueue(Settings(server, MailSecurity.StartTls) with { VerifyCertificate = false }, log, FastRetry);

        queue.Enqueue(Alert("unverified"));

        server.WaitForMessages(1);
        WaitForLine(sink, "mail: certificate verification is off: the connection to 127.0.0.1 can be intercepted and read");
    }
}
