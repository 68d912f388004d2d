using System.Text;
using Tinyfence.Adapters;
using Tinyfence.Tests.Alerts;

namespace Tinyfence.Tests.Adapters;

public sealed class AccessLogWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-accesslog-").FullName;
    private readonly FakeTime _time = new();
    private readonly List<string> _reports = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string LogPath => Path.Combine(_dir, "access.log");

    private AccessLogWriter Writer(long maxBytes = 0, string? path = null, int bufferBytes = AccessLogWriter.DefaultBufferBytes) =>
        new(path ?? LogPath, maxBytes, _reports.Add, _time, bufferBytes);

    private static byte[] Line(int i, int length = 60)
    {
        string text = $"192.0.2.{i % 250} - - [25/Nov/2026:12:00:00 +0000] \"GET /{i} HTTP/1.1\" 200 5";
        return Encoding.ASCII.GetBytes(text.Length >= length ? text[..(length - 1)] : text.PadRight(length - 1, 'x'));
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    // One line through a new writer, which is then disposed without a flush: the log file's text.
    private string WrittenByAWriterThenDisposed(ReadOnlySpan<byte> line)
    {
        using (AccessLogWriter writer = Writer())
        {
            writer.WriteLine(line);
        }

        return File.ReadAllText(LogPath);
    }

    [Fact]
    public void LinesAreBufferedUntilFlushed()
    {
        using AccessLogWriter writer = Writer();
        writer.WriteLine("one"u8);
        writer.WriteLine("two"u8);
        Assert.Equal(0, new FileInfo(LogPath).Length);
        writer.Flush();
        Assert.Equal("one\ntwo\n", File.ReadAllText(LogPath));
    }

    [Fact]
    public void DisposeFlushes()
    {
        Assert.Equal("last words\n", WrittenByAWriterThenDisposed("last words"u8));
    }

    [Fact]
    public void BufferedLinesReachTheFileWithinOneSecond()
    {
        using AccessLogWriter writer = Writer();
        writer.WriteLine("quiet server"u8);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, new FileInfo(LogPath).Length);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("quiet server\n", File.ReadAllText(LogPath));
    }

    [Fact]
    public void AFullBufferIsWrittenWithoutWaitingForTheTimer()
    {
        using AccessLogWriter writer = Writer(bufferBytes: 100);
        for (int i = 0; i < 5; i++)
        {
            writer.WriteLine(Line(i, 30));
        }

        Assert.Equal(90, new FileInfo(LogPath).Length); // three whole lines; two wait in the buffer
    }

    [Fact]
    public void ALineLongerThanTheBufferIsWrittenWhole()
    {
        using AccessLogWriter writer = Writer(bufferBytes: 64);
        writer.WriteLine("short"u8);
        byte[] longLine = Line(1, 500);
        writer.WriteLine(longLine);
        writer.Flush();
        Assert.Equal(["short", Encoding.ASCII.GetString(longLine)], Lines(LogPath));
    }

    [Fact]
    public void AppendsToAnExistingFile()
    {
        File.WriteAllText(LogPath, "old\n");
        Assert.Equal("old\nnew\n", WrittenByAWriterThenDisposed("new"u8));
    }

    [Fact]
    public void ANewFileIsCreatedWithMode0640()
    {
        using AccessLogWriter writer = Writer();
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
            File.GetUnixFileMode(LogPath));
    }

    [Fact]
    public void AnExistingFileKeepsItsMode()
    {
        File.WriteAllText(LogPath, "");
        File.SetUnixFileMode(LogPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using AccessLogWriter writer = Writer();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LogPath));
    }

    [Fact]
    public void AFileMovedAwayIsNoticedWithinASecondAndANewOneStarted()
    {
        using AccessLogWriter writer = Writer();
        writer.WriteLine("before"u8);
        writer.Flush();
        string moved = LogPath + ".moved";
        File.Move(LogPath, moved);   // logrotate without copytruncate
        writer.WriteLine("during"u8);
        _time.Advance(TimeSpan.FromSeconds(1));
        writer.WriteLine("after"u8);
        writer.Flush();

        // What was buffered when the move was noticed still belongs to the old file, as with Apache's own logs.
        Assert.Equal(["before", "during"], Lines(moved));
        Assert.Equal(["after"], Lines(LogPath));
        Assert.Equal(1, writer.Reopens);
    }

    [Fact]
    public void ADeletedFileIsRecreated()
    {
        using AccessLogWriter writer = Writer();
        File.Delete(LogPath);
        _time.Advance(TimeSpan.FromSeconds(1));
        writer.WriteLine("again"u8);
        writer.Flush();
        Assert.Equal(["again"], Lines(LogPath));
    }

    [Fact]
    public void AReopenRequestTakesEffectAtTheNextLine()
    {
        using AccessLogWriter writer = Writer();
        writer.WriteLine("one"u8);
        File.Move(LogPath, LogPath + ".1");
        writer.RequestReopen();       // SIGHUP from logrotate's postrotate
        writer.WriteLine("two"u8);
        writer.Flush();
        Assert.Equal(["one"], Lines(LogPath + ".1"));
        Assert.Equal(["two"], Lines(LogPath));
    }

    [Fact]
    public void AReopenRequestTakesEffectWithinASecondWithoutNewLines()
    {
        using AccessLogWriter writer = Writer();
        File.Move(LogPath, LogPath + ".1");
        writer.RequestReopen();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(File.Exists(LogPath));
    }

    [Fact]
    public void TheFileIsNotCheckedMoreThanOnceASecond()
    {
        using AccessLogWriter writer = Writer();
        File.Move(LogPath, LogPath + ".moved");
        writer.WriteLine("still old"u8);
        writer.Flush();
        Assert.False(File.Exists(LogPath));
        Assert.Equal(["still old"], Lines(LogPath + ".moved"));
    }

    [Fact]
    public void RotatesToFileDot1BeforeGrowingPastTheMaximumSize()
    {
        const int Max = 1000;
        using (AccessLogWriter writer = Writer(maxBytes: Max))
        {
            for (int i = 0; i < 40; i++)
            {
                writer.WriteLine(Line(i, 100));
            }

            Assert.Equal(3, writer.Rotations);
        }

        // 40 lines of 100 bytes: 10 per file; FILE.1 holds the ten before FILE's.
        string[] current = Lines(LogPath);
        string[] previous = Lines(LogPath + ".1");
        Assert.Equal([.. Enumerable.Range(30, 10).Select(i => Encoding.ASCII.GetString(Line(i, 100)))], current);
        Assert.Equal([.. Enumerable.Range(20, 10).Select(i => Encoding.ASCII.GetString(Line(i, 100)))], previous);
        Assert.True(new FileInfo(LogPath + ".1").Length <= Max);
    }

    [Fact]
    public void TheSizeOfAnExistingFileCountsTowardsTheMaximum()
    {
        File.WriteAllText(LogPath, new string('o', 950) + "\n");
        using (AccessLogWriter writer = Writer(maxBytes: 1000))
        {
            writer.WriteLine(Line(1, 100));
        }

        Assert.Equal(951, new FileInfo(LogPath + ".1").Length);
        Assert.Single(Lines(LogPath));
    }

    [Fact]
    public void ALineLargerThanTheMaximumGetsAFileOfItsOwn()
    {
        using (AccessLogWriter writer = Writer(maxBytes: 50))
        {
            writer.WriteLine(Line(1, 100));
            writer.WriteLine(Line(2, 20));
        }

        Assert.Equal([Encoding.ASCII.GetString(Line(1, 100))], Lines(LogPath + ".1"));
        Assert.Equal([Encoding.ASCII.GetString(Line(2, 20))], Lines(LogPath));
    }

    [Fact]
    public void AFileMovedAwayIsNotRenamedAgainWhenRotating()
    {
        using (AccessLogWriter writer = Writer(maxBytes: 150))
        {
            writer.WriteLine(Line(1, 100));
            writer.Flush();
            File.Move(LogPath, LogPath + ".elsewhere");
            writer.WriteLine(Line(2, 100));   // over the size, before the once-a-second check
        }

        Assert.False(File.Exists(LogPath + ".1"));
        Assert.Single(Lines(LogPath + ".elsewhere"));
        Assert.Single(Lines(LogPath));
    }

    [Fact]
    public void AMissingDirectoryDropsLinesAndReportsOnceThenRecovers()
    {
        string dir = Path.Combine(_dir, "not-yet");
        string path = Path.Combine(dir, "access.log");
        using AccessLogWriter writer = Writer(path: path);
        Assert.False(writer.IsOpen);
        writer.WriteLine("lost 1"u8);
        writer.WriteLine("lost 2"u8);
        writer.Flush();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, writer.DroppedLines);
        Assert.Single(_reports);
        Assert.StartsWith($"cannot open {path}: ", _reports[0], StringComparison.Ordinal);

        Directory.CreateDirectory(dir);
        _time.Advance(TimeSpan.FromSeconds(1));
        writer.WriteLine("kept"u8);
        writer.Flush();
        Assert.Equal(["kept"], Lines(path));
        Assert.Equal(2, _reports.Count);
        Assert.Equal($"writing {path} again; 2 lines were dropped", _reports[1]);
    }

    [Fact]
    public void AFullDiskDropsAndCountsLinesWithoutThrowing()
    {
        if (!File.Exists("/dev/full"))
        {
            return;
        }

        using AccessLogWriter writer = Writer(path: "/dev/full", bufferBytes: 100);
        for (int i = 0; i < 10; i++)
        {
            writer.WriteLine(Line(i, 30));
        }

        writer.Flush();
        _time.Advance(TimeSpan.FromSeconds(3));
        writer.WriteLine(Line(11, 30));
        writer.Flush();
        Assert.Equal(11, writer.DroppedLines);
        Assert.Single(_reports);
        Assert.StartsWith("cannot write to /dev/full: ", _reports[0], StringComparison.Ordinal);
    }

    [Fact]
    public void LinesAfterDisposeAreDroppedNotThrown()
    {
        AccessLogWriter writer = Writer();
        writer.Dispose();
        writer.WriteLine("late"u8);
        writer.Dispose();
        Assert.Equal(1, writer.DroppedLines);
    }

    [Fact]
    public void WritingALineAllocatesNothingAfterWarmUp()
    {
        using AccessLogWriter writer = Writer(maxBytes: 200_000, bufferBytes: 4096);
        byte[] line = Line(7, 120);
        for (int i = 0; i < 2000; i++)
        {
            writer.WriteLine(line);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            writer.WriteLine(line);   // many buffer flushes and several rotations among them
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(writer.Rotations >= 10);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TheOnceASecondCheckAllocatesNothing()
    {
        // Driven directly: the fake clock's Advance allocates a list of due timers.
        using AccessLogWriter writer = Writer();
        writer.Tick();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            writer.WriteLine("x"u8);
            writer.Tick();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
