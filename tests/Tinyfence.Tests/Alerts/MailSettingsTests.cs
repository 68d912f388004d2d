using Tinyfence.Alerts;

namespace Tinyfence.Tests.Alerts;

public class MailSettingsTests
{
    private static readonly MailSettings s_valid = new("mx.example.org", 587, MailSecurity.StartTls, "guard@example.org", ["ops@example.org"]);

    [Fact]
    public void DefaultsAreSafeAndValid()
    {
        Assert.Empty(s_valid.Validate());
        Assert.True(s_valid.VerifyCertificate);
        Assert.Equal("[tinyfence]", s_valid.SubjectPrefix);
        Assert.Equal((10, TimeSpan.FromHours(1), 100), (s_valid.RateLimit, s_valid.RatePeriod, s_valid.QueueLimit));
    }

    [Fact]
    public void EveryProblemIsReportedInOneGo()
    {
        MailSettings bad = s_valid with { Port = 70000, From = "guard", To = ["ops@example.org", "not an address"], PasswordFile = "/etc/x", QueueLimit = 0 };

        Assert.Equal(
        [
            "port 70000 is not between 1 and 65535",
            "sender 'guard' is not a mail address such as ops@example.org",
            "recipient 'not an address' is not a mail address such as ops@example.org",
            "a password file without a user: set the user too",
            "the queue limit must be at least 1 (is 0)",
        ], bad.Validate());
    }

    [Theory]
    [InlineData(500, "500 ms")]
    [InlineData(8000, "8 s")]
    [InlineData(300_000, "5 min")]
    [InlineData(90_000, "1 min 30 s")]
    [InlineData(5_400_000, "1 h 30 min")]
    public void DelaysReadNaturally(int ms, string text) => Assert.Equal(text, MailText.Duration(TimeSpan.FromMilliseconds(ms)));
}
