using System.Security.Cryptography;
using MimeKit;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The static binary sends mail itself: MailKit, and TLS through the statically linked OpenSSL,
/// against a real SMTP server (aiosmtpd) on 127.0.0.1.
/// </summary>
public class MailTests
{
    private static string Config(TempDir dir, SmtpTestServer server, string security, string extra = "", string rules = "") =>
        dir.Write("mail.conf", $$"""
            mail {
                server "localhost" port {{server.Port}} security {{security}}
                from "tinyfence@example.com" to "admin@example.com"
                {{extra}}
            }
            {{rules}}
            """);

    [Fact]
    public void MailTestDeliversAndReportsTheDialogue()
    {
        using var dir = new TempDir();
        using SmtpTestServer server = SmtpTestServer.Start();
        ProcessResult result = Repo.RunPublished("mail-test", "-c", Config(dir, server, "none"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("RCPT TO", result.Stdout, StringComparison.Ordinal);
        MimeMessage message = Assert.Single(server.WaitForMessages(1));
        Assert.EndsWith("test message from tinyfence", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void StarttlsWithAPrivateCaWorksInTheStaticBinary()
    {
        using var dir = new TempDir();
        using TestPki pki = TestPki.Create();
        using SmtpTestServer server = SmtpTestServer.Start("--starttls", pki.ServerCertificate, pki.ServerKey);
        ProcessResult result = Repo.RunPublished("mail-test", "-c", Config(dir, server, "starttls", $"ca-file \"{pki.CaFile}\""));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.WaitForMessages(1));
    }

    [Fact]
    public void AnUntrustedCertificateIsRefused()
    {
        using var dir = new TempDir();
        using TestPki pki = TestPki.Create();
        using SmtpTestServer server = SmtpTestServer.Start("--starttls", pki.ServerCertificate, pki.ServerKey);
        ProcessResult result = Repo.RunPublished("mail-test", "-c", Config(dir, server, "starttls"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(Directory.GetFiles(server.Maildir, "*.eml"));
    }

    // The binary carries no HTTP client (README, "The static binary"): a server that leaves out
    // its intermediate CA is refused, and the issuer URL in its certificate is never fetched
    // (a build with System.Net.Http fetched it in the TLS handshake and accepted the chain).
    [Fact]
    public void AMissingIntermediateIsRefusedAndNeverFetched()
    {
        using var dir = new TempDir();
        using var issuer = new IssuerHttpServer();
        using TestPki pki = TestPki.Create(issuerUrl: issuer.Url);
        issuer.Certificate = pki.IntermediateCertificate!;
        using SmtpTestServer server = SmtpTestServer.Start("--starttls", pki.ServerCertificate, pki.ServerKey);
        ProcessResult result = Repo.RunPublished("mail-test", "-c", Config(dir, server, "starttls", $"ca-file \"{pki.CaFile}\""));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("not a trusted CA", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, issuer.Connections);
        Assert.Empty(Directory.GetFiles(server.Maildir, "*.eml"));
    }

    // The remedy the README gives for such a server: its intermediate in ca-file, beside the root.
    [Fact]
    public void AMissingIntermediateGivenInTheCaFileIsTrustedAndStillNeverFetched()
    {
        using var dir = new TempDir();
        using var issuer = new IssuerHttpServer();
        using TestPki pki = TestPki.Create(issuerUrl: issuer.Url);
        issuer.Certificate = pki.IntermediateCertificate!;
        string caFile = dir.Write("ca-and-intermediate.pem", File.ReadAllText(pki.CaFile) + "\n" + PemEncoding.WriteString("CERTIFICATE", pki.IntermediateCertificate) + "\n");
        using SmtpTestServer server = SmtpTestServer.Start("--starttls", pki.ServerCertificate, pki.ServerKey);
        ProcessResult result = Repo.RunPublished("mail-test", "-c", Config(dir, server, "starttls", $"ca-file \"{caFile}\""));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, issuer.Connections);
        Assert.Single(server.WaitForMessages(1));
    }

    [Fact]
    public void ARuleMailIsDeliveredBeforeOnceExits()
    {
        using var dir = new TempDir();
        using SmtpTestServer server = SmtpTestServer.Start();
        string config = Config(dir, server, "none", rules: "rule \"load\" { la1 >= 10 } mail");
        ProcessResult result = Repo.RunPublished("run", "--once", "--proc-root", Repo.ProcTree("overloaded"), "-c", config);

        Assert.True(result.ExitCode == 0, result.ToString());
        MimeMessage message = Assert.Single(server.WaitForMessages(1));
        Assert.Contains("load fired - la1=12.50", message.Subject, StringComparison.Ordinal);
    }
}
