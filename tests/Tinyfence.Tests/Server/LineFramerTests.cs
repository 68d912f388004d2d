using System.Buffers;
using System.Text;
using Tinyfence.Server;

namespace Tinyfence.Tests.Server;

public sealed class LineFramerTests
{
    /// <summary>
    /// Every line the framer finds, "!" for a too-long one, and what is left unconsumed, when
    /// <paramref name="text"/> arrives <paramref name="readSize"/> bytes at a time and, as the
    /// server's loop does, what a read leaves unconsumed is read again with the next bytes.
    /// </summary>
    private static (List<string> Lines, string Remaining) ReadAll(LineFramer framer, string text, int readSize)
    {
        var lines = new List<string>();
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        byte[] pending = [];
        for (int offset = 0; offset < bytes.Length; offset += readSize)
        {
            byte[] arrived = bytes.AsSpan(offset, Math.Min(readSize, bytes.Length - offset)).ToArray();
            ReadOnlySpan<byte> buffer = [.. pending, .. arrived];
            while (true)
            {
                OperationStatus status = framer.Read(ref buffer, out ReadOnlySpan<byte> line);
                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                lines.Add(status == OperationStatus.Done ? Encoding.ASCII.GetString(line) : "!");
            }

            pending = buffer.ToArray();
        }

        return (lines, Encoding.ASCII.GetString(pending));
    }

    [Fact]
    public void CompleteLinesAreReturnedInOrderWithoutTheirNewline()
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(16), "PING\nGET t 1.2.3.4\n\n", 100);
        Assert.Equal(["PING", "GET t 1.2.3.4", ""], lines);
        Assert.Equal("", rest);
    }

    [Fact]
    public void AnIncompleteLineNeedsMoreDataAndIsNotConsumed()
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(16), "PING\nGET t", 3);
        Assert.Equal(["PING"], lines);
        Assert.Equal("GET t", rest);
    }

    [Fact]
    public void OneTrailingCarriageReturnIsDropped()
    {
        (List<string> lines, _) = ReadAll(new LineFramer(16), "a\r\nb\r\r\n\r\nc\rd\n", 100);
        Assert.Equal(["a", "b\r", "", "c\rd"], lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void LinesSplitAcrossReadsComeOutTheSameAsFromOneBlock(int readSize)
    {
        const string input = "PING\r\nHIT spam 192.0.2.1 5\nx\n\nGET t ::1\r\n";
        (List<string> expected, _) = ReadAll(new LineFramer(32), input, 1000);
        (List<string> lines, string rest) = ReadAll(new LineFramer(32), input, readSize);
        Assert.Equal(expected, lines);
        Assert.Equal(["PING", "HIT spam 192.0.2.1 5", "x", "", "GET t ::1"], lines);
        Assert.Equal("", rest);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(3)]
    public void ALineOfExactlyTheLimitIsAcceptedWithOrWithoutCr(int readSize)
    {
        string max = new('a', 8);
        (List<string> lines, _) = ReadAll(new LineFramer(8), max + "\n" + max + "\r\n", readSize);
        Assert.Equal([max, max], lines);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(4)]
    [InlineData(1)]
    public void ALineOneByteOverTheLimitIsTooLongAndTheNextLineIsRead(int readSize)
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(8), "aaaaaaaaa\nok\naaaaaaaaa\r\nok2\n", readSize);
        Assert.Equal(["!", "ok", "!", "ok2"], lines);
        Assert.Equal("", rest);
    }

    [Fact]
    public void AnOverLongLineWithoutNewlineIsReportedOnceAndDroppedAcrossReads()
    {
        var framer = new LineFramer(8);
        // The start of the line: over the limit without a newline yet, reported at once.
        (List<string> lines, string rest) = ReadAll(framer, "PING\n" + new string('a', 20), 4);
        Assert.Equal(["PING", "!"], lines);
        Assert.Equal("", rest);

        // More of it, still no newline: dropped without a second report.
        (lines, rest) = ReadAll(framer, new string('b', 50), 5);
        Assert.Empty(lines);
        Assert.Equal("", rest);

        // Its end, then an ordinary line.
        (lines, rest) = ReadAll(framer, "bbb\nPING\nPI", 3);
        Assert.Equal(["PING"], lines);
        Assert.Equal("PI", rest);
    }

    [Fact]
    public void APendingLineWithinTheLimitIsKeptWhateverThe()
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(8), "aaaaaaaa\r", 2);
        Assert.Empty(lines);
        Assert.Equal("aaaaaaaa\r", rest);
    }
}
