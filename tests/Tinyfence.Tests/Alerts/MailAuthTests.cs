using System.Diagnostics;
using Tinyfence.Testing;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

public sealed class MailAuthTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tinyfence-auth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AuthOverStartTlsWithThePasswordFromItsFileDelivers()
    {
        using var pki = TestPki.Create();
        using var server = SmtpTestServer.Start(["--starttls", .. pki.ServerFiles, "--auth", "alice:s3cret pass"]);
        (var log, var sink) = Log();
        MailSettings settings = Settings(server, MailSecurity.StartTls) with
        {
            CaFile = pki.CaFile,
            User = "alice",
            PasswordFile = PasswordFile(_directory, "s3cret pass"),
        };
        using var queue = new MailQueue(settings, log, FastRetry);

        queue.Enqueue(Alert("authenticated"));

        server.WaitForMessages(1);
        Assert.Contains("auth-ok alice", server.Events);
        Assert.DoesNotContain("s3cret", sink.Text, StringComparison.Ordinal);
    }

    // Decision: a 535 is not final for the message. The alert is still true and the fault is in
    // the config, which can be fixed without a restart (the password file is re-read for every
    // connection): the message is kept and retried on the backoff schedule (doubling to 5 min),
    // never in a tight loop; the queue bound caps what waits meanwhile.
    [Fact]
    public void WrongPasswordIsLoggedWithTheServerReplyRetriedWithBackoffAndAFixedFileIsPickedUp()
    {
        using var server = SmtpTestServer.Start("--auth", "alice:right");
        (var log, var sink) = Log();
        string passwordFile = PasswordFile(_directory, "wrong");
        MailSettings settings = Settings(server) with { User = "alice", PasswordFile = passwordFile };
        using var queue = new MailQueue(settings, log, FastRetry);

        var sinceEnqueue = Stopwatch.StartNew();
        queue.Enqueue(Alert("needs auth"));

        string line = WaitForLine(sink, "mail: cannot send (authentication as alice failed: ");
        Assert.Contains("535 5.7.8 Authentication credentials invalid", line, StringComparison.Ordinal);
        Assert.Contains($"check the user and the password file {passwordFile}", line, StringComparison.Ordinal);
        Assert.Contains("1 message queued, retrying in 200 ms", line, StringComparison.Ordinal);

        // Backoff 200 ms doubling to 1 s: the third failure waits 800 ms. Tries are 200 ms apart
        // at the least, so there are at most 1 + elapsed / 200 ms of them however slow the
        // machine is, where a loop would make hundreds.
        WaitForLine(sink, "retrying in 800 ms");
        Patience.WaitUntil(() => server.Count("auth-failed") >= 3, "third failed try at the server");
        int failures = server.Count("auth-failed");
        Assert.InRange(failures, 3, 1 + (sinceEnqueue.ElapsedMilliseconds / 200));
        Assert.Equal(1, queue.Pending);

        File.WriteAllText(passwordFile, "right\n");
        server.WaitForMessages(1);
        Assert.Contains("auth-ok alice", server.Events);
    }

    [Fact]
    public void PasswordFileReadableByOthersIsRefusedAndSaysHowToFixIt()
    {
        using var server = SmtpTestServer.Start("--auth", "alice:s3cret");
        (var log, var sink) = Log();
        string passwordFile = PasswordFile(_directory, "s3cret",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var queue = new MailQueue(Settings(server) with { User = "alice", PasswordFile = passwordFile }, log, FastRetry);

        // Refused before connecting: the server never saw the password, nor a connection.
        AssertRefusedBeforeConnecting(queue, sink, server, "leaky",
            $"password file {passwordFile} is refused: its permissions 0644 let group or others read or change it; make it private with 'chmod 600 {passwordFile}'");
    }

    [Fact]
    public void NtlmAndGssapiOfferedByTheServerAreRemovedAndNeverTried()
    {
        using var server = SmtpTestServer.Start("--auth", "alice:s3cret", "--advertise-auth", "NTLM", "--advertise-auth", "GSSAPI");
        (var log, _) = Log();
        MailSettings settings = Settings(server) with { User = "alice", PasswordFile = PasswordFile(_directory, "s3cret") };
        using var queue = new MailQueue(settings, log, FastRetry);

        queue.Enqueue(Alert("managed auth only"));

        server.WaitForMessages(1);
        Assert.Equal(["auth PLAIN"], server.Events.Where(e => e.StartsWith("auth ", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Events, e => e.StartsWith("decoy-auth-used", StringComparison.Ordinal));
        // NegotiateAuthentication was never reached: GSSAPI's library was not loaded.
        Assert.DoesNotContain("libgssapi", File.ReadAllText("/proc/self/maps"), StringComparison.Ordinal);
    }

    [Fact]
    public void ServerOfferingOnlyNtlmAndGssapiIsRefusedWithoutTryingThem()
    {
        using var server = SmtpTestServer.Start("--auth", "alice:s3cret", "--no-password-auth", "--advertise-auth", "NTLM", "--advertise-auth", "GSSAPI");
        (var log, var sink) = Log();
        MailSettings settings = Settings(server) with { User = "alice", PasswordFile = PasswordFile(_directory, "s3cret") };
        using var queue = new MailQueue(settings, log, FastRetry);

        queue.Enqueue(Alert("no usable mechanism"));

        string line = WaitForLine(sink, "mail: cannot send (the server offers AUTH GSSAPI NTLM, none of which tinyfence uses");
        Assert.Contains("never NTLM or GSSAPI", line, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Events, e => e.StartsWith("auth ", StringComparison.Ordinal));
    }
}
