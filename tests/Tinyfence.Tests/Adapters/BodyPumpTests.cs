using System.IO.Pipes;
using System.Text;
using Tinyfence.Adapters;

namespace Tinyfence.Tests.Adapters;

public class BodyPumpTests
{
    private static readonly PatternSet s_spam = PatternSet.FromPatterns(["viagra", "cheap pills", "100%"]);

    private static (PumpOutcome Outcome, List<int> Matches, byte[] Output) Pump(string body, int bufferBytes = BodyPump.DefaultBufferBytes)
    {
        var matches = new List<int>();
        var pump = new BodyPump(new StreamMatcher(s_spam), bufferBytes);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(body));
        using var output = new MemoryStream();
        PumpOutcome outcome = pump.Run(input, output, matches.Add);
        return (outcome, matches, output.ToArray());
    }

    [Fact]
    public void CopiesTheBodyUnchangedWhenNothingMatches()
    {
        string body = "name=Alice&comment=" + string.Concat(Enumerable.Repeat("lovely+garden%21+", 5000));
        var (outcome, matches, output) = Pump(body, bufferBytes: 1000);
        Assert.Equal(PumpOutcome.Completed, outcome);
        Assert.Empty(matches);
        Assert.Equal(body, Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void CopiesTheBodyUnchangedAndReportsTheFirstMatchOnce()
    {
        string body = "a=cheap+pills&b=viagra&c=viagra&d=cheap%20pills";
        var (outcome, matches, output) = Pump(body, bufferBytes: 7);
        Assert.Equal(PumpOutcome.Completed, outcome);
        Assert.Equal([1], matches);
        Assert.Equal(body, Encoding.UTF8.GetString(output));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(16384)]
    public void APatternAcrossBufferBoundariesIsFound(int bufferBytes)
    {
        var (_, matches, _) = Pump("x=buy+vi%61gra+today", bufferBytes);
        Assert.Equal([0], matches);
    }

    [Fact]
    public void AMatchCompletedByTheEndOfTheBodyIsReported()
    {
        // "100%" in the decoded body only exists once the body ends without two hex digits.
        var (outcome, matches, _) = Pump("discount=100%", bufferBytes: 4);
        Assert.Equal(PumpOutcome.Completed, outcome);
        Assert.Equal([2], matches);
    }

    [Fact]
    public void TheCallbackRunsBeforeTheMatchingChunkIsWritten()
    {
        var sink = new CountingSink();
        long writtenAtMatch = -1;
        var pump = new BodyPump(new StreamMatcher(s_spam), bufferBytes: 10);
        using var input = new MemoryStream("0123456789abcviagra123456789"u8.ToArray());
        pump.Run(input, sink, _ => writtenAtMatch = sink.Written);
        Assert.Equal(10, writtenAtMatch);
        Assert.Equal(28, sink.Written);
    }

    [Fact]
    public void AClosedOutputEndsThePumpWithoutReadingTheRest()
    {
        var sink = new CountingSink(failAfterBytes: 50_000);
        var pump = new BodyPump(new StreamMatcher(s_spam), bufferBytes: 16_384);
        var input = new GeneratedBodyStream(10_000_000);
        Assert.Equal(PumpOutcome.OutputClosed, pump.Run(input, sink, null));
        Assert.Equal(3 * 16_384, sink.Written);
        Assert.Equal(4 * 16_384, pump.BytesRead);
        Assert.IsType<IOException>(pump.Failure);
    }

    [Fact]
    public void AMatchIsStillReportedWhenTheOutputClosesOnThatChunk()
    {
        var sink = new CountingSink(failAfterBytes: 0);
        var matches = new List<int>();
        var pump = new BodyPump(new StreamMatcher(s_spam));
        using var input = new MemoryStream("m=viagra"u8.ToArray());
        Assert.Equal(PumpOutcome.OutputClosed, pump.Run(input, sink, matches.Add));
        Assert.Equal([0], matches);
    }

    [Fact]
    public void AFailedFinalFlushIsReportedAsAClosedOutput()
    {
        var sink = new CountingSink(failFlush: true);
        var pump = new BodyPump(new StreamMatcher(s_spam));
        using var input = new MemoryStream("hello"u8.ToArray());
        Assert.Equal(PumpOutcome.OutputClosed, pump.Run(input, sink, null));
        Assert.Equal(5, sink.Written);
    }

    [Fact]
    public void FlushesOnceAtTheEnd()
    {
        var sink = new CountingSink();
        var pump = new BodyPump(new StreamMatcher(s_spam), bufferBytes: 3);
        using var input = new MemoryStream("hello world"u8.ToArray());
        Assert.Equal(PumpOutcome.Completed, pump.Run(input, sink, null));
        Assert.Equal(1, sink.Flushes);
        Assert.Equal(4, sink.Writes);
    }

    [Fact]
    public void AnInputErrorEndsThePumpAfterPassingOnWhatWasRead()
    {
        var sink = new CountingSink();
        var pump = new BodyPump(new StreamMatcher(s_spam), bufferBytes: 100);
        Assert.Equal(PumpOutcome.InputFailed, pump.Run(new FailingInput(new byte[100], goodReads: 3), sink, null));
        Assert.Equal(300, sink.Written);
        Assert.Equal(1, sink.Flushes);
    }

    [Fact]
    public void ARealPipeWhoseReaderIsGoneEndsThePumpCleanly()
    {
        // EPIPE as the filter sees it when Apache drops the request: the runtime ignores SIGPIPE,
        // so the write fails with an IOException instead of killing the process.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        pipe.DisposeLocalCopyOfClientHandle();
        var pump = new BodyPump(new StreamMatcher(s_spam));
        Assert.Equal(PumpOutcome.OutputClosed, pump.Run(new GeneratedBodyStream(1_000_000), pipe, null));
        Assert.IsType<IOException>(pump.Failure);
    }

    [Fact]
    public void TheStandardOutputStreamReportsEpipeWhereTheConsoleStreamWouldNot()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        pipe.DisposeLocalCopyOfClientHandle();   // the reader goes away, as Apache does
        int writeFd = (int)pipe.SafePipeHandle.DangerousGetHandle();
        using Stream output = StandardStreams.Open(writeFd, FileAccess.Write);
        var pump = new BodyPump(new StreamMatcher(s_spam));
        Assert.Equal(PumpOutcome.OutputClosed, pump.Run(new GeneratedBodyStream(1_000_000), output, null));
        Assert.Equal(BodyPump.DefaultBufferBytes, pump.BytesRead);
        Assert.Contains("Broken pipe", pump.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFiftyMegabyteBodyStreamsInConstantMemory()
    {
        const long BodyBytes = 50L * 1024 * 1024;
        byte[] tail = "&last=CHEAP+PILLS"u8.ToArray();
        var matches = new List<int>(1);
        Action<int> onMatch = matches.Add;
        var pump = new BodyPump(new StreamMatcher(s_spam));
        var input = new GeneratedBodyStream(BodyBytes, tail);
        var sink = new CountingSink();

        long before = GC.GetAllocatedBytesForCurrentThread();
        PumpOutcome outcome = pump.Run(input, sink, onMatch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(PumpOutcome.Completed, outcome);
        Assert.Equal([1], matches);
        Assert.Equal(BodyBytes + tail.Length, sink.Written);
        Assert.Equal(CountingSink.ChecksumOf(new GeneratedBodyStream(BodyBytes, tail)), sink.Checksum);
        // Nothing proportional to the body: not even one buffer's worth.
        Assert.True(allocated < 4096, $"allocated {allocated} bytes while pumping 50 MB");
    }
}
