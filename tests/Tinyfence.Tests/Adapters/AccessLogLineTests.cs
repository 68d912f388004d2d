using System.Text;
using Tinyfence.Adapters;

namespace Tinyfence.Tests.Adapters;

public class AccessLogLineTests
{
    private static (string Client, string Method, string Target, string Path, int Status, string RequestLine) Parse(string line)
    {
        Assert.True(AccessLogLine.TryParse(Encoding.UTF8.GetBytes(line), out AccessLogLine parsed), line);
        return (Text(parsed.Client), Text(parsed.Method), Text(parsed.Target), Text(parsed.Path), parsed.Status, Text(parsed.RequestLine));
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    [Fact]
    public void ParsesTheCommonFormat()
    {
        var line = Parse("""192.0.2.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326""");
        Assert.Equal(("192.0.2.1", "GET", "/apache_pb.gif", "/apache_pb.gif", 200, "GET /apache_pb.gif HTTP/1.0"), line);
    }

    [Fact]
    public void ParsesTheCombinedFormatWithQuotesInsideTheUserAgent()
    {
        var line = Parse("""203.0.113.9 - - [25/Nov/2026:12:00:01 +0000] "POST /wp-login.php?redirect_to=%2Fwp-admin HTTP/1.1" 404 196 "http://example.org/\"home\"" "Mozilla/5.0 (compatible; \"Bot\" 1.0)" """.TrimEnd());
        Assert.Equal("203.0.113.9", line.Client);
        Assert.Equal("POST", line.Method);
        Assert.Equal("/wp-login.php?redirect_to=%2Fwp-admin", line.Target);
        Assert.Equal("/wp-login.php", line.Path);
        Assert.Equal(404, line.Status);
    }

    [Fact]
    public void AnEscapedQuoteInsideTheRequestLineDoesNotEndIt()
    {
        var line = Parse("""198.51.100.7 - - [25/Nov/2026:12:00:01 +0000] "GET /search?q=\"x\"+OR+1=1 HTTP/1.1" 403 199 "-" "curl/8.5.0" """.TrimEnd());
        Assert.Equal("""/search?q=\"x\"+OR+1=1""", line.Target);
        Assert.Equal(403, line.Status);
    }

    [Fact]
    public void AnEscapedBackslashBeforeTheClosingQuoteEndsTheRequestLine()
    {
        var line = Parse("""198.51.100.7 - - [25/Nov/2026:12:00:01 +0000] "GET /a\\" 400 226 "-" "-" """.TrimEnd());
        Assert.Equal("""GET /a\\""", line.RequestLine);
        Assert.Equal(400, line.Status);
    }

    [Fact]
    public void ParsesIPv6Clients()
    {
        var line = Parse("""2001:db8::1 - - [25/Nov/2026:12:00:01 +0000] "GET / HTTP/2.0" 301 230 "-" "Mozilla/5.0" """.TrimEnd());
        Assert.Equal(("2001:db8::1", "GET", "/", "/", 301, "GET / HTTP/2.0"), line);
    }

    [Fact]
    public void ParsesAHostNameClientAsLoggedByPercentH() =>
        Assert.Equal("crawl-66-249-66-1.googlebot.com", Parse("""crawl-66-249-66-1.googlebot.com - - [25/Nov/2026:12:00:01 +0000] "GET /robots.txt HTTP/1.1" 200 68""").Client);

    [Fact]
    public void ADashRequestLineStillGivesClientAndStatus()
    {
        // Apache logs "-" for a connection closed before a request line (408).
        var line = Parse("""192.0.2.44 - - [25/Nov/2026:12:00:01 +0000] "-" 408 - "-" "-" """.TrimEnd());
        Assert.Equal(("192.0.2.44", "", "", "", 408, "-"), line);
    }

    [Fact]
    public void ARequestLineWithoutAProtocolGivesMethodAndTarget()
    {
        var line = Parse("""192.0.2.44 - - [25/Nov/2026:12:00:01 +0000] "GET /index.html" 400 226""");
        Assert.Equal("GET", line.Method);
        Assert.Equal("/index.html", line.Target);
    }

    [Fact]
    public void BinaryGarbageEscapedByApacheIsParsed()
    {
        var line = Parse("""192.0.2.44 - - [25/Nov/2026:12:00:01 +0000] "\x16\x03\x01\x02" 400 226 "-" "-" """.TrimEnd());
        Assert.Equal(400, line.Status);
        Assert.Equal("""\x16\x03\x01\x02""", line.RequestLine);
    }

    [Fact]
    public void AUserNameWithAnEscapedQuoteIsNotMistakenForTheRequestLine()
    {
        // %u is escaped by Apache too; an unescaped quote there would already be garbage.
        var line = Parse("""192.0.2.5 - bob\"o [25/Nov/2026:12:00:01 +0000] "GET /private HTTP/1.1" 401 381""");
        Assert.Equal("/private", line.Target);
        Assert.Equal(401, line.Status);
    }

    [Fact]
    public void ATrailingCarriageReturnAfterTheStatusIsTolerated() =>
        Assert.Equal(200, Parse("192.0.2.1 - - [x] \"GET / HTTP/1.1\" 200\r").Status);

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" 192.0.2.1 - - [x] \"GET / HTTP/1.1\" 200 5", "leading space: no client")]
    [InlineData("192.0.2.1", "a client alone")]
    [InlineData("192.0.2.1 - - [x] GET / HTTP/1.1 200 5", "no quotes")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1 200 5", "request line never closed")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\\\" 200 5", "only an escaped quote after it")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\\", "a backslash at the very end")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\"", "no status")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\" -", "dash status")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\" 20", "two digits")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\" 2000 5", "four digits")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\" 099 5", "leading zero")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\"200 5", "no space before the status")]
    [InlineData("192.0.2.1 - - [x] \"GET / HTTP/1.1\"  200 5", "two spaces before the status")]
    [InlineData("\"192.0.2.1 - - [x] \"GET / HTTP/1.1\" 200 5", "a quote in the client field")]
    public void MalformedLinesAreRejected(string line, string why) =>
        Assert.False(AccessLogLine.TryParse(Encoding.UTF8.GetBytes(line), out _), why);

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(99);
        byte[] alphabet = "\" \\0123456789aG/?-\r\n\0\xff"u8.ToArray();
        var buffer = new byte[120];
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(buffer.Length);
            for (int j = 0; j < length; j++)
            {
                buffer[j] = alphabet[random.Next(alphabet.Length)];
            }

            if (AccessLogLine.TryParse(buffer.AsSpan(0, length), out AccessLogLine line))
            {
                Assert.InRange(line.Status, 100, 999);
                Assert.False(line.Client.IsEmpty);
            }
        }
    }

    [Fact]
    public void EveryPrefixOfAValidLineIsRejectedOrStable()
    {
        byte[] line = """2001:db8::1 - - [25/Nov/2026:12:00:01 +0000] "GET /a?b HTTP/1.1" 404 1 "-" "x" """u8.ToArray();
        for (int length = 0; length < line.Length; length++)
        {
            if (AccessLogLine.TryParse(line.AsSpan(0, length), out AccessLogLine parsed))
            {
                Assert.Equal(404, parsed.Status);
                Assert.Equal("/a?b", Text(parsed.Target));
            }
        }
    }

    [Fact]
    public void ParsingAllocatesNothing()
    {
        byte[] line = """203.0.113.9 - - [25/Nov/2026:12:00:01 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0" """u8.ToArray();
        int sum = 0;
        for (int i = 0; i < 100; i++)
        {
            if (AccessLogLine.TryParse(line, out AccessLogLine parsed))
            {
                sum += parsed.Status;
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            if (AccessLogLine.TryParse(line, out AccessLogLine parsed))
            {
                sum += parsed.Status;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_100 * 200, sum);
    }
}
