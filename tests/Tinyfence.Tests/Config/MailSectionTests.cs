using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

public class MailSectionTests
{
    [Fact]
    public void MailSectionTakesEverySettingAndDefaultsTheRest()
    {
        TinyfenceConfig config = TestConfig.LoadValid("""
            mail { server "smtp.example.com" from "tf@example.com" to "a@example.com", "b@example.com" }
            rule "r" { la1 > 1 } mail
            """);
        MailSection mail = config.Mail!;
        Assert.Equal(("smtp.example.com", "tf@example.com"), (mail.Server, mail.From));
        Assert.Equal(["a@example.com", "b@example.com"], mail.To);
        Assert.Equal(MailSecurityMode.StartTls, mail.Security);
        Assert.Equal(587, mail.EffectivePort);
        Assert.True(mail.VerifyCertificate);
        Assert.Equal((10, TimeSpan.FromHours(1), 100), (mail.RateLimit, mail.RatePeriod, mail.QueueLimit));
    }

    [Theory]
    [InlineData("security none", 25)]
    [InlineData("security tls", 465)]
    [InlineData("security ssl", 465)]
    [InlineData("security tls port 2465", 2465)]
    public void ThePortFollowsTheSecurityUnlessGiven(string settings, int port)
    {
        TinyfenceConfig config = TestConfig.LoadValid($$"""mail { server "s" from "a@b.c" to "d@e.f" {{settings}} } rule "r" { la1 > 1 } log""");
        Assert.Equal(port, config.Mail!.EffectivePort);
    }

    [Fact]
    public void MailActionTakesOnceAndItsOwnRecipients()
    {
        Rule rule = Assert.Single(TestConfig.LoadValid("""
            mail { server "s" from "a@b.c" to "d@e.f" }
            rule "r" { la1 > 1 } run 'x' mail once to "x@y.z", "w@y.z" until mail
            """).Rules);
        RuleAction mail = rule.Actions[1];
        Assert.Equal((ActionKind.Mail, true), (mail.Kind, mail.Once));
        Assert.Equal(["x@y.z", "w@y.z"], mail.Recipients);
        Assert.Empty(rule.Recovery!.Actions[0].Recipients);
    }

    [Fact]
    public void TheMailSectionAfterARuleIsNotTakenForItsAction()
    {
        TinyfenceConfig config = TestConfig.LoadValid("""
            rule "r" { la1 > 1 } mail
            mail { server "s" from "a@b.c" to "d@e.f" }
            """);
        Assert.NotNull(config.Mail);
        Assert.Single(config.Rules[0].Actions);
    }

    [Theory]
    [InlineData("rule 'r' { la1 > 1 } mail", "1:22: a 'mail' action needs a mail section")]
    [InlineData("mail { from \"a@b.c\" to \"d@e.f\" }", "1:1: the mail section needs server")]
    [InlineData("mail { server \"s\" }", "1:1: the mail section needs from, to")]
    [InlineData("mail { server \"s\" securty tls }", "1:19: expected a mail setting (server, port, security, from, to, user, password-file, ca-file, verify-certificate, subject-prefix, limit, queue, timeout), found 'securty' (did you mean 'security'?)")]
    [InlineData("mail { server \"s\" from \"nobody\" to \"d@e.f\" }", "1:24: expected a quoted email address such as \"admin@example.com\" after 'from', found the string \"nobody\"")]
    [InlineData("mail { server \"s\" from \"a@b.c\" to \"d@e.f\", \"g h@i\" }", "1:44: expected a quoted email address")]
    [InlineData("mail { server \"s\" server \"t\" }", "1:19: 'server' is already set in this section (at 1:8)")]
    [InlineData("mail { server \"s\" security smtps }", "1:28: expected none, starttls or tls after 'security', found 'smtps'")]
    [InlineData("mail { server \"s\" port 0 }", "1:24: expected a port (1-65535) after 'port', found '0'")]
    [InlineData("mail { server \"s\" limit 10 }", "1:28: expected 'per' and a period after 'limit 10'")]
    [InlineData("mail { server \"s\" verify-certificate maybe }", "1:38: expected yes or no after 'verify-certificate', found 'maybe'")]
    [InlineData("mail { server \"s\" from \"a@b.c\" to \"d@e.f\" user \"u\" }", "1:1: 'user' and 'password-file' go together")]
    [InlineData("mail { server \"s\"", "1:18: expected '}' to close the mail section opened at 1:6")]
    [InlineData("mail { server \"s\" from \"a@b.c\" to \"d@e.f\" }\nmail { server \"t\" from \"a@b.c\" to \"d@e.f\" }", "2:1: there is already a mail section (first declared at test.conf:1)")]
    [InlineData("mail { server \"s\" from \"a@b.c\" to \"d@e.f\" }\nrule 'r' { la1 > 1 } mail mail", "2:27: a rule sends one mail when it fires")]
    public void MailErrorsSayWhereAndWhat(string text, string expected) => TestConfig.AssertFirstError(text, expected);
}
