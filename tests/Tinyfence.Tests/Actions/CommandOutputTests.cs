using System.Text;
using Tinyfence.Actions;
using Tinyfence.Logging;

namespace Tinyfence.Tests.Actions;

public sealed class CommandOutputTests : IDisposable
{
    private readonly MemorySink _sink = new();

    public void Dispose() => _sink.Dispose();

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tkept", "tab\tkept")]
    [InlineData("caf\u00e9 \u2713", "caf\u00e9 \u2713")]
    public void EscapeKeepsPrintableTextAndUtf8(string input, string expected)
    {
        Assert.Equal(expected, Escape(Encoding.UTF8.GetBytes(input), 64, out bool truncated));
        Assert.False(truncated);
    }

    [Theory]
    [InlineData(new byte[] { 0x1b, (byte)'[', (byte)'m' }, @"\x1B[m")] // terminal escape
    [InlineData(new byte[] { (byte)'a', 0x0d, (byte)'b' }, @"a\x0Db")] // CR inside a line: progress bars
    [InlineData(new byte[] { 0x00, 0x7f }, @"\x00\x7F")] // NUL and DEL
    [InlineData(new byte[] { 0xff, (byte)'x' }, @"\xFFx")] // never valid in UTF-8
    [InlineData(new byte[] { 0xc3 }, @"\xC3")] // a lead byte with nothing after it
    [InlineData(new byte[] { 0xc2, 0x9b }, @"\xC2\x9B")] // C1 CSI: some terminals obey it
    public void EscapeWritesNonPrintableBytesAsHex(byte[] input, string expected)
    {
        Assert.Equal(expected, Escape(input, 64, out _));
    }

    [Fact]
    public void EscapeStopsBeforeAnEscapeThatDoesNotFit()
    {
        Assert.Equal("ab", Escape([(byte)'a', (byte)'b', 0x01], 5, out bool truncated));
        Assert.True(truncated);
    }

    [Fact]
    public void LineLongerThanTheLimitIsCutAndMarkedAndTheNextLineIsWhole()
    {
        CommandOutput output = Feed(new string('a', 3000) + "\nnext\n");

        Assert.Equal([new string('a', CommandOutput.MaxLineBytes) + " [cut]", "next"], output.FirstLines);
        Assert.Equal(2, output.LineCount);
    }

    [Fact]
    public void CutDoesNotSplitAMultibyteCharacter()
    {
        CommandOutput output = Feed(new string('a', CommandOutput.MaxLineBytes - 1) + "\u00e9\u00e9\n");

        Assert.Equal(new string('a', CommandOutput.MaxLineBytes - 1) + " [cut]", output.FirstLines[0]);
    }

    [Fact]
    public void LineThatGrowsTooLongWhenEscapedIsCutAndMarked()
    {
        CommandOutput output = Feed(new string('\x01', 600) + "\n");

        Assert.Equal(string.Concat(Enumerable.Repeat(@"\x01", 256)) + " [cut]", output.FirstLines[0]);
    }

    [Fact]
    public void CarriageReturnBeforeNewlineIsDropped()
    {
        Assert.Equal(["dos", "unix"], Feed("dos\r\nunix\n").FirstLines);
    }

    [Fact]
    public void SameLinesWhetherFedAtOnceOrByteByByte()
    {
        string text = string.Concat(Enumerable.Range(0, 40).Select(i => "line " + i + (i % 7 == 0 ? new string('x', 1500) : "") + "\n")) + "tail";
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var sinkAtOnce = new MemorySink();
        using var sinkByOne = new MemorySink();
        var atOnce = new CommandOutput(new Logger(sinkAtOnce), "r", 1000);
        var byOne = new CommandOutput(new Logger(sinkByOne), "r", 1000);

        atOnce.Append(bytes);
        atOnce.Complete();
        foreach (byte b in bytes)
        {
            byOne.Append([b]);
        }

        byOne.Complete();

        Assert.Equal(41, atOnce.LineCount);
        Assert.Equal(atOnce.LineCount, byOne.LineCount);
        Assert.Equal(atOnce.FirstLines, byOne.FirstLines);
        Assert.Equal(sinkAtOnce.Lines, sinkByOne.Lines);
        Assert.Equal(41, sinkAtOnce.Lines.Count);
    }

    [Fact]
    public void LinesPastTheKeptAndLoggedOnesAreStillCounted()
    {
        var output = new CommandOutput(new Logger(_sink) { MinimumLevel = LogLevel.Notice }, "r", 1000);

        output.Append("1\n2\n"u8);
        for (int i = 0; i < 100; i++)
        {
            output.Append("a\nb\nc"u8);
            output.Append("d\n"u8);
        }

        output.Append("unterminated"u8);
        output.Complete();

        Assert.Equal(2 + 300 + 1, output.LineCount);
        Assert.Equal(CommandOutput.KeptLineCount, output.FirstLines.Count);
        Assert.Empty(_sink.Lines);
    }

    [Fact]
    public void LogLimitIsAnnouncedOnceAndTheUnloggedLinesCounted()
    {
        var output = new CommandOutput(new Logger(_sink), "r", 2);

        output.Append("1\n2\n3\n4\n"u8);
        output.Complete();

        Assert.Equal(
            ["r: 1", "r: 2", "r: output goes on; not logging more than 2 lines of it", "r: 2 more output lines not logged"],
            _sink.Lines.Select(l => l.Text));
        Assert.Equal(["1", "2", "3", "4"], output.FirstLines);
    }

    private CommandOutput Feed(string text)
    {
        var output = new CommandOutput(new Logger(_sink), "r", 1000);
        output.Append(Encoding.UTF8.GetBytes(text));
        output.Complete();
        return output;
    }

    private static string Escape(byte[] input, int room, out bool truncated)
    {
        byte[] destination = new byte[room];
        int length = CommandOutput.Escape(input, destination, out truncated);
        return Encoding.UTF8.GetString(destination, 0, length);
    }
}
