using System.Text;
using MimeKit;
using Tinyfence.Alerts;

namespace Tinyfence.Tests.Alerts;

public sealed class SubjectEncodingTests
{
    private static readonly MailSettings s_settings = new("127.0.0.1", 25, MailSecurity.None, "tinyfence@example.com", ["admin@example.com"]);

    // The alert-mail fuzz target's finding: MimeKit folded this subject inside an encoded word,
    // and the line after the fold ("qEF=BF=BD...") read as a header of its own.
    private const string FoldedInsideAWord = "`[o:2.80 oa5=?o?B? \uFFFD\uFFFD\u007f2.80 laF=?.2~.c5=?.2.2\u007f.c5=C.2~.coT";

    [Theory]
    [InlineData(FoldedInsideAWord)]
    [InlineData("load-high fired: la1 7.20 >= 4 on www1 \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9 \U0001F525\U0001F525\U0001F525\U0001F525\U0001F525")]
    [InlineData("a plain subject that says =?utf-8?q?not_a_word?= in the middle of a long line of words")]
    public void ASubjectThatMustBeEncodedIsWholeEncodedWordsOnFoldedLinesAndReadsBackTheSame(string subject)
    {
        string wire = Wire(subject, out MimeMessage read);

        string[] subjectLines = SubjectLines(wire);
        Assert.All(subjectLines.Skip(1), line => Assert.StartsWith(" =?utf-8?b?", line, StringComparison.Ordinal));
        Assert.All(subjectLines, line => Assert.EndsWith("?=", line, StringComparison.Ordinal));
        Assert.All(subjectLines, line => Assert.True(line.Length <= 78, line));
        Assert.Equal($"{s_settings.SubjectPrefix} {subject}", read.Subject);
    }

    [Fact]
    public void APlainAsciiSubjectStaysReadableAsItIs()
    {
        string wire = Wire("load-high fired: la1 7.20 >= 4", out MimeMessage read);

        Assert.Contains($"\r\nSubject: {s_settings.SubjectPrefix} load-high fired: la1 7.20 >= 4\r\n", wire, StringComparison.Ordinal);
        Assert.Equal($"{s_settings.SubjectPrefix} load-high fired: la1 7.20 >= 4", read.Subject);
    }

    private static string Wire(string subject, out MimeMessage read)
    {
        MimeMessage message = AlertComposer.Compose(s_settings, new MailboxAddress("tinyfence", "tinyfence@example.com"),
            [new MailboxAddress("admin", "admin@example.com")], subject, "body", DateTimeOffset.UnixEpoch, "1@example.com");
        using var stream = new MemoryStream();
        FormatOptions options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        stream.Position = 0;
        read = MimeMessage.Load(stream);
        return "\r\n" + Encoding.Latin1.GetString(stream.ToArray());
    }

    private static string[] SubjectLines(string wire)
    {
        string[] lines = wire.Split("\r\n");
        int first = Array.FindIndex(lines, l => l.StartsWith("Subject:", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, first + 1, l => l.Length == 0 || (l[0] != ' ' && l[0] != '\t'));
        return lines[first..end];
    }
}
