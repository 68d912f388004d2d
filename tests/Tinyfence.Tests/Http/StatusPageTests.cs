using System.Buffers;
using System.Net;
using System.Text;
using Tinyfence.Http;
using Tinyfence.Logging;
using Tinyfence.Scoring;
using Tinyfence.Status;
using Tinyfence.Table;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Http;

/// <summary>
/// The status page written straight into a buffer, over a state that reaches every part of it:
/// hostile text from the config and the state, each way a command ends, readings unreadable or
/// huge, sparklines of many points, one point and none, tables with and without scores, mail.
/// </summary>
public sealed class StatusPageTests : IDisposable
{
    private const string Hostile = "<script>alert('x')</script> & \"q\" é ü ß 😀 \ud800 end";

    private readonly string _dir = Directory.CreateTempSubdirectory("tf-page-").FullName;
    private readonly EngineHarness _engine = new("rule 'load' { la1 >= 10 } log\nrule 'memory' { memfree < 10% or la5 > 3 } log\nset step 1s");
    private readonly ScoreService _scores = new(new Logger(new MemorySink()), testClock: false);
    private readonly StatusBoard _board = new();

    public StatusPageTests()
    {
        Assert.True(_scores.Apply(TestConfig.LoadValid($$"""
            set run-dir "{{_dir}}/run"
            set state-dir "{{_dir}}/state"
            table "spam" { capacity 1000 decay 3 per 1d block above 15 snapshot off blocklist off }
            table "login" { capacity 1000 decay 1 per 1h block above 5 snapshot off blocklist off }
            """)));
        ScoreTable spam = _scores.Tables[0];
        for (uint i = 1; i <= 12; i++)
        {
            spam.Set(Keys.V4(192, 0, 2, (byte)i), (int)(i * 3), spam.Now);
        }

        spam.Set(Keys.V6(0x2001_0db8_0000_0000UL, 0x44), 99, spam.Now);
        _board.Configure(_engine.Engine.RuleSet, ["/etc/tinyfence.conf"], _scores);
        _scores.Upkeep(Environment.TickCount64);
        _engine.Tick(0);
        _board.Refresh(_engine.Engine, mail: null, paused: true);
        Rich(_board);
    }

    public void Dispose()
    {
        _board.Dispose();
        _scores.Dispose();
        _engine.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void ThePageShowsEveryPartWithItsTextEscaped()
    {
        var output = new ArrayBufferWriter<byte>();
        StatusPage.Write(_board, output);
        string page = Encoding.UTF8.GetString(output.WrittenSpan);

        const string Escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &#233; &#252; &#223; &#128512; \ufffd end";
        Assert.StartsWith("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"10\">", page, StringComparison.Ordinal);
        Assert.EndsWith("</body></html>\n", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        string[] parts =
        [
            $"<p class=\"meta\">version {Escaped}, pid {Environment.ProcessId}, up 0 s, <strong>paused</strong></p>",
            $"<tr><td>{Escaped}</td><td class=\"fired\">fired</td><td class=\"n\">3</td><td class=\"n\">2</td><td>2026-12-06 16:30:05 UTC</td><td>running (pid 4242)</td></tr>",
            "<td>2025-11-01 16:30:05 UTC</td><td>exit status 1, 0.123 s</td></tr>",
            "<td>killed by signal 9</td></tr>",
            "<tr><td>never</td><td class=\"holding\">holding</td><td class=\"n\">0</td><td class=\"n\">0</td><td>never</td><td></td></tr>",
            "<tr><td>la1</td><td class=\"n\">1.23 load</td><td><svg width=\"240\" height=\"32\" viewBox=\"0 0 240 32\" role=\"img\"><polyline points=\"222,30 226,16 230,10.2 234,5.8 238,2\"/></svg>",
            "<tr><td>memfree</td><td class=\"n\">unreadable</td><td><svg width=\"240\" height=\"32\" viewBox=\"0 0 240 32\" role=\"img\"><circle cx=\"230\" cy=\"30\" r=\"2\"/></svg>",
            $"<tr><td>la5</td><td class=\"n\">1{new string('0', 300)} load</td><td><svg width=\"240\" height=\"32\" viewBox=\"0 0 240 32\" role=\"img\"></svg>",
            "<h3>spam</h3><p class=\"meta\">13 of 1000 entries, 8 blocked, 0 evictions, 0 hits</p>",
            "<tr><td>2001:db8::44</td><td class=\"n\">99</td><td><span class=\"fired\">blocked</span></td></tr>",
            "<tr><td>192.0.2.4</td><td class=\"n\">12</td><td></td></tr></table>",
            "<h3>login</h3><p class=\"meta\">0 of 1000 entries, 0 blocked, 0 evictions, 0 hits</p><h2>Mail</h2>",
            "<p>queued 2, sent 5, failed 1, dropped 7; last error: 550 &lt;spam@example.com&gt; rejected &amp; &quot;blocked&quot;</p></body>",
        ];
        foreach (string part in parts)
        {
            Assert.Contains(part, page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WritingThePageAllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        long allocated = Allocations.OfRounds(() =>
        {
            output.ResetWrittenCount();
            StatusPage.Write(_board, output);
        }, rounds: 2000);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void EveryCharacterIsEscapedAsWebUtilityEscapesIt()
    {
        var output = new ArrayBufferWriter<byte>();
        var html = new HtmlText(output);
        for (int c = 0; c <= char.MaxValue; c++)
        {
            string text = ((char)c).ToString();
            output.ResetWrittenCount();
            html.Text(text);
            string expected = WebUtility.HtmlEncode(text);
            if (!output.WrittenSpan.SequenceEqual(Encoding.UTF8.GetBytes(expected)))
            {
                Assert.Fail($"U+{c:X4}: {Encoding.UTF8.GetString(output.WrittenSpan)} instead of {expected}");
            }
        }
    }

    [Theory]
    [InlineData(Hostile)]
    [InlineData("😀😀\udbff\udfff")] // pairs, the last code point
    [InlineData("\udc00\ud800")] // a low surrogate before a high one: two lone ones
    [InlineData("a\ud800")] // a high surrogate at the end
    [InlineData("")]
    public void TextIsEscapedAsWebUtilityEscapesIt(string text)
    {
        var output = new ArrayBufferWriter<byte>();
        new HtmlText(output).Text(text);
        Assert.Equal(Encoding.UTF8.GetBytes(WebUtility.HtmlEncode(text)), output.WrittenSpan.ToArray());
    }

    // Overrides the refreshed report where the engine's own state would not reach (no further
    // Refresh: the rules array no longer matches the engine's).
    private static void Rich(StatusBoard board)
    {
        StatusReport report = board.Report;
        report.Version = Hostile;
        var fired = new DateTime(2026, 12, 6, 16, 30, 5, DateTimeKind.Utc);
        var running = new RuleStatus(Hostile, []) { State = RuleStateNames.Fired, Fired = 3, Recovered = 2, LastFired = fired };
        running.Command.Running = true;
        running.Command.Pid = 4242;
        var exited = new RuleStatus("exited", []) { State = RuleStateNames.Latched, Fired = 1, LastFired = fired.AddDays(-400) };
        exited.Command.LastExitStatus = 1;
        exited.Command.LastDurationSeconds = 0.123456;
        var killed = new RuleStatus("killed", []) { State = RuleStateNames.Recovering, LastFired = fired };
        killed.Command.LastSignal = 9;
        var never = new RuleStatus("never", []) { State = RuleStateNames.Holding };
        report.Rules = [running, exited, killed, never];

        // A whole hour, so the refresh's own sample drops out of the ring: la1 over its last five
        // minutes, memfree read once, la5 never; a polyline, a dot, nothing.
        ReadOnlySpan<ReadingStatus> readings = board.Readings;
        long lastSampleMs = Environment.TickCount64;
        for (int minute = 0; minute < ReadingHistory.Points; minute++)
        {
            readings[0].Value = minute >= 55 ? Math.Sqrt(minute - 55) : null;
            readings[1].Value = minute == 57 ? 123456789 : null;
            readings[2].Value = null;
            board.History.Sample(readings, lastSampleMs += 60_000);
        }

        readings[0].Value = 1.23456;
        readings[1].Value = null;
        readings[2].Value = 1e300;
        report.Mail = new MailStatus { Queued = 2, Sent = 5, Failed = 1, Dropped = 7, LastError = "550 <spam@example.com> rejected & \"blocked\"" };
    }
}
