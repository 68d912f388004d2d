using Tinyfence.Alerts;

namespace Tinyfence.Tests.Alerts;

public class SmtpDialogueTests
{
    [Fact]
    public void PipelinedCommandsPairWithTheirRepliesInOrderAndTheMessageIsSkipped()
    {
        string[] log =
        [
            "Connected to smtp://mx.example.org:25/",
            "S: 220 mx.example.org ESMTP",
            "C: EHLO guard",
            "S: 250-mx.example.org",
            "S: 250-PIPELINING",
            "S: 250 AUTH LOGIN",
            "C: AUTH LOGIN ********",
            "S: 334 UGFzc3dvcmQ6",
            "C: ********",
            "S: 235 2.7.0 ok",
            "C: MAIL FROM:<a@example.org>",
            "C: RCPT TO:<b@example.org>",
            "C: RCPT TO:<c@example.org>",
            "S: 250 2.1.0 Ok",
            "S: 250 2.1.5 Ok",
            "S: 450 4.2.0 <c@example.org>: greylisted",
            "C: DATA",
            "S: 354 go ahead",
            "C: Subject: looks like a command",
            "C: RCPT TO:<not-a-command@example.org>",
            "C: .",
            "S: 250 2.0.0 queued",
        ];

        List<SmtpExchange> exchanges = SmtpDialogue.Exchanges(log);

        Assert.Equal(
        [
            new SmtpExchange("greeting", "220 mx.example.org ESMTP"),
            new SmtpExchange("EHLO guard", "250 mx.example.org (PIPELINING, AUTH LOGIN)"),
            new SmtpExchange("AUTH LOGIN ********", "334 UGFzc3dvcmQ6"),
            new SmtpExchange("AUTH LOGIN ********", "235 2.7.0 ok"),
            new SmtpExchange("MAIL FROM:<a@example.org>", "250 2.1.0 Ok"),
            new SmtpExchange("RCPT TO:<b@example.org>", "250 2.1.5 Ok"),
            new SmtpExchange("RCPT TO:<c@example.org>", "450 4.2.0 <c@example.org>: greylisted"),
            new SmtpExchange("DATA", "354 go ahead"),
            new SmtpExchange("message", "250 2.0.0 queued"),
        ], exchanges);
    }

    [Fact]
    public void LinesDropTheLineEndsAndTheTrailingEmptyLine()
    {
        Assert.Equal(["S: 220 hi", "C: QUIT"], SmtpDialogue.Lines("S: 220 hi\r\nC: QUIT\r\n"u8));
    }
}
