using System.Buffers;
using System.Text;
using Tinyfence.Server;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Server;

public sealed class LineFramerTests
{
    /// <summary>A sequence of segments of the given size (the last may be shorter).</summary>
    private static ReadOnlySequence<byte> Segments(string text, int segmentSize) =>
        SegmentedSequence.Of(Encoding.ASCII.GetBytes(text), segmentSize);

    /// <summary>Every line the framer finds, "!" for a too-long one, and what is left unconsumed.</summary>
    private static (List<string> Lines, string Remaining) ReadAll(LineFramer framer, ReadOnlySequence<byte> buffer)
    {
        var lines = new List<string>();
        while (true)
        {
            OperationStatus status = framer.Read(ref buffer, out ReadOnlySpan<byte> line);
            if (status == OperationStatus.NeedMoreData)
            {
                return (lines, Encoding.ASCII.GetString(buffer.ToArray()));
            }

            lines.Add(status == OperationStatus.Done ? Encoding.ASCII.GetString(line) : "!");
        }
    }

    [Fact]
    public void CompleteLinesAreReturnedInOrderWithoutTheirNewline()
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(16), Segments("PING\nGET t 1.2.3.4\n\n", 100));
        Assert.Equal(["PING", "GET t 1.2.3.4", ""], lines);
        Assert.Equal("", rest);
    }

    [Fact]
    public void AnIncompleteLineNeedsMoreDataAndIsNotConsumed()
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(16), Segments("PING\nGET t", 3));
        Assert.Equal(["PING"], lines);
        Assert.Equal("GET t", rest);
    }

    [Fact]
    public void OneTrailingCarriageReturnIsDropped()
    {
        (List<string> lines, _) = ReadAll(new LineFramer(16), Segments("a\r\nb\r\r\n\r\nc\rd\n", 100));
        Assert.Equal(["a", "b\r", "", "c\rd"], lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void LinesSplitAcrossSegmentsComeOutTheSameAsFromOneBlock(int segmentSize)
    {
        const string input = "PING\r\nHIT spam 192.0.2.1 5\nx\n\nGET t ::1\r\n";
        (List<string> expected, _) = ReadAll(new LineFramer(32), Segments(input, 1000));
        (List<string> lines, string rest) = ReadAll(new LineFramer(32), Segments(input, segmentSize));
        Assert.Equal(expected, lines);
        Assert.Equal(["PING", "HIT spam 192.0.2.1 5", "x", "", "GET t ::1"], lines);
        Assert.Equal("", rest);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(3)]
    public void ALineOfExactlyTheLimitIsAcceptedWithOrWithoutCr(int segmentSize)
    {
        string max = new('a', 8);
        (List<string> lines, _) = ReadAll(new LineFramer(8), Segments(max + "\n" + max + "\r\n", segmentSize));
        Assert.Equal([max, max], lines);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(4)]
    [InlineData(1)]
    public void ALineOneByteOverTheLimitIsTooLongAndTheNextLineIsRead(int segmentSize)
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(8), Segments("aaaaaaaaa\nok\naaaaaaaaa\r\nok2\n", segmentSize));
        Assert.Equal(["!", "ok", "!", "ok2"], lines);
        Assert.Equal("", rest);
    }

    [Fact]
    public void AnOverLongLineWithoutNewlineIsReportedOnceAndDroppedAcrossReads()
    {
        var framer = new LineFramer(8);
        // The start of the line: over the limit without a newline yet, reported at once.
        (List<string> lines, string rest) = ReadAll(framer, Segments("PING\n" + new string('a', 20), 4));
        Assert.Equal(["PING", "!"], lines);
        Assert.Equal("", rest);

        // More of it, still no newline: dropped without a second report.
        (lines, rest) = ReadAll(framer, Segments(new string('b', 50), 5));
        Assert.Empty(lines);
        Assert.Equal("", rest);

        // Its end, then an ordinary line.
        (lines, rest) = ReadAll(framer, Segments("bbb\nPING\nPI", 3));
        Assert.Equal(["PING"], lines);
        Assert.Equal("PI", rest);
    }

    [Fact]
    public void APendingLineWithinTheLimitIsKeptWhateverTheSegments()
    {
        (List<string> lines, string rest) = ReadAll(new LineFramer(8), Segments("aaaaaaaa\r", 2));
        Assert.Empty(lines);
        Assert.Equal("aaaaaaaa\r", rest);
    }
}
