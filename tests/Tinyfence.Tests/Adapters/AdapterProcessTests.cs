using System.Security.Cryptography;
using System.Text;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Hosting;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Adapters;

/// <summary>
/// The Apache-facing verbs as the processes Apache runs: the map answers and flushes line by line
/// and never exits on its input, the feed keeps its log through renames and signals, the filter
/// streams bodies in bounded memory and never fails a request because the daemon is away.
/// </summary>
public sealed class AdapterProcessTests : IDisposable
{
    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly TimeSpan s_answer = Patience.Short;

    private readonly ScoreDaemon _env = new();

    public AdapterProcessTests() => Directory.CreateDirectory(_env.RunDir);

    public void Dispose() => _env.Dispose();

    private LineProcess Start(string verb, params string[] args) =>
        LineProcess.Start(TinyfenceProgram.Path, [verb, .. args]);

    [Fact]
    public void MapAnswersEachKeyOnItsOwnLineAtOnceAndSurvivesGarbageAndHugeLines()
    {
        using ScoreTable table = ScoreTable.CreateShared(ScoreTableTests.Spec(), _env.ViewPath(), ReadableByAll);
        table.Set(Keys.V4(192, 0, 2, 1), 20, table.Now);
        table.Set(Keys.V4(192, 0, 2, 2), 15, table.Now);
        table.Set(Keys.V6(0x2001_0db8_0000_0000, 1), 16, table.Now);
        using LineProcess map = Start("map", "--table", "spam", "--run-dir", _env.RunDir);

        // One key written, one answer read, with the map waiting for more: each answer is flushed.
        (string Key, string Answer)[] rounds =
        [
            ("192.0.2.1", "BLOCK"), ("192.0.2.2", "ALLOW"), ("192.0.2.3", "ALLOW"), ("2001:db8::1", "BLOCK"),
            ("::ffff:192.0.2.1", "BLOCK"), ("192.0.2.1\r", "BLOCK"), ("garbage", "NULL"), ("", "NULL"),
            ("192.0.2.256", "NULL"), ("fe80::1%eth0", "NULL"), ("[2001:db8::1]", "NULL"), ("\u00ff\u0001\u0002", "NULL"),
            (new string('9', 100 * 1024), "NULL"), ("192.0.2.1", "BLOCK"), (new string('x', 300), "NULL"), ("2001:db8::2", "ALLOW"),
        ];
        foreach ((string key, string answer) in rounds)
        {
            Assert.Equal(answer, SharedViewProcessTests.Ask(map, key));
        }

        Assert.False(map.HasExited);
        map.CloseInput();
        Assert.Null(map.ReadLine(s_answer));
        Assert.Equal(0, map.WaitForExit(Patience.Short));
    }

    [Fact]
    public void MapAnswersGetAndTheFallbackWithoutATable()
    {
        using ScoreTable table = ScoreTable.CreateShared(ScoreTableTests.Spec(), _env.ViewPath(), ReadableByAll);
        table.Set(Keys.V4(192, 0, 2, 1), 20, table.Now);
        using LineProcess get = Start("map", "--table", "spam", "--op", "get", "--run-dir", _env.RunDir);
        Assert.Equal("20", SharedViewProcessTests.Ask(get, "192.0.2.1"));
        Assert.Equal("0", SharedViewProcessTests.Ask(get, "192.0.2.9"));
        Assert.Equal("NULL", SharedViewProcessTests.Ask(get, "nope"));

        using LineProcess none = Start("map", "--table", "other", "--run-dir", _env.RunDir, "--fallback", "ALLOW");
        Assert.Equal("ALLOW", SharedViewProcessTests.Ask(none, "192.0.2.1"));
        Assert.Equal("NULL", SharedViewProcessTests.Ask(none, "nope"));
        Assert.Equal("ALLOW", SharedViewProcessTests.Ask(none, "192.0.2.1"));
    }

    [Theory]
    [InlineData("--bogus", "1")]
    [InlineData("--op", "frob")]
    [InlineData("--fallback", "")]
    public void MapWithABadOptionAnswersNULLUntilItsInputEnds(string option, string value)
    {
        using LineProcess map = Start("map", "--table", "spam", "--run-dir", _env.RunDir, option, value);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("NULL", SharedViewProcessTests.Ask(map, "192.0.2.1"));
        }

        Thread.Sleep(300);
        Assert.False(map.HasExited);
        map.CloseInput();
        Assert.Equal(64, map.WaitForExit(Patience.Short));
        Assert.Contains("failing open", map.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void FeedWritesEveryLineAndFlushesAtTheEndOfItsInput()
    {
        string log = Path.Combine(_env.Directory, "access.log");
        using LineProcess feed = Start("feed", "--table", "spam", "--run-dir", _env.RunDir, "--log", log);
        string[] lines = [.. Enumerable.Range(1, 500).Select(i => $"192.0.2.{i % 250 + 1} - - [25/Nov/2026:10:00:00 +0000] \"GET /page{i} HTTP/1.1\" 200 512")];
        foreach (string line in lines)
        {
            feed.WriteLine(line);
        }

        feed.WriteLine("not a log line at all");
        feed.CloseInput();
        Assert.Equal(0, feed.WaitForExit(Patience.Short));
        Assert.Equal([.. lines, "not a log line at all"], File.ReadAllLines(log));
    }

    [Fact]
    public void FeedReopensItsLogAfterARenameAndSIGHUPAndFlushesAtSIGTERMReadingOn()
    {
        string log = Path.Combine(_env.Directory, "access.log");
        using LineProcess feed = Start("feed", "--table", "spam", "--run-dir", _env.RunDir, "--log", log);
        feed.WriteLine("192.0.2.1 - - [x] \"GET /a HTTP/1.1\" 200 1");
        feed.WriteLine("192.0.2.1 - - [x] \"GET /b HTTP/1.1\" 200 1");
        WaitFor(() => File.Exists(log) && File.ReadAllLines(log).Length == 2, "the first lines in the log (flushed within a second)");
        File.Move(log, log + ".1");
        feed.Signal(Posix.SIGHUP);
        WaitFor(() => File.Exists(log), "the reopened log file");
        feed.WriteLine("192.0.2.1 - - [x] \"GET /c HTTP/1.1\" 200 1");
        Assert.False(feed.HasExited);
        feed.WriteLine("192.0.2.1 - - [x] \"GET /d HTTP/1.1\" 200 1");
        Thread.Sleep(100);
        feed.Signal(Posix.SIGTERM);

        // SIGTERM flushes; the feed reads on until Apache's old workers let go of the pipe.
        WaitFor(() => File.ReadAllLines(log).Length == 2, "the lines flushed at SIGTERM");
        Assert.False(feed.HasExited);
        feed.WriteLine("192.0.2.1 - - [x] \"GET /e HTTP/1.1\" 200 1");
        feed.CloseInput();
        Assert.Equal(0, feed.WaitForExit(Patience.Short));

        Assert.Equal(["/a", "/b"], File.ReadAllLines(log + ".1").Select(Url));
        Assert.Equal(["/c", "/d", "/e"], File.ReadAllLines(log).Select(Url));
    }

    [Fact]
    public void FilterStreamsA20MBBodyUnchangedInBoundedMemory()
    {
        string patterns = Path.Combine(_env.Directory, "patterns");
        File.WriteAllText(patterns, "viagra-offer\n");

        // The same filter on a 2 MB body: the runtime and its JIT take the same in both runs, a
        // filter that held the body would take 18 MB more with the larger one.
        (byte[] sent, byte[] received, long baseline) = PumpBody(StartFilter(patterns, "192.0.2.1"), 2 * 1024 * 1024);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
        (sent, received, long hwmKiB) = PumpBody(StartFilter(patterns, "192.0.2.1"), 20 * 1024 * 1024);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
        Assert.True(hwmKiB - baseline < 6 * 1024, $"VmHWM {hwmKiB} kB with the 20 MB body, {baseline} kB with a 2 MB one");
    }

    [Fact]
    public async Task FilterAddsPointsForAPatternSplitAcrossWrites()
    {
        _env.Configure(ScoreDaemon.Table());
        using RunningDaemon daemon = _env.Start();
        string patterns = Path.Combine(_env.Directory, "patterns");
        File.WriteAllText(patterns, "# spam\nViagra-Offer\n");
        using LineProcess filter = StartFilter(patterns, "192.0.2.44", "--socket", _env.Socket);
        byte[] first = Encoding.ASCII.GetBytes("name=bob&text=cheap+VIAG");
        byte[] second = Encoding.ASCII.GetBytes("RA-offer+now");
        filter.Input.Write(first);
        filter.Input.Flush();
        // Passed on, so looked at: a match would have had its points added (and answered) first.
        byte[] echoed = new byte[first.Length];
        await filter.Output.ReadExactlyAsync(echoed).AsTask().WaitAsync(s_answer);
        Assert.Equal(first, echoed);
        Assert.Equal(0, _env.Get("192.0.2.44"));
        filter.Input.Write(second);
        filter.CloseInput();
        Assert.Equal("RA-offer+now", filter.ReadToEnd(s_answer));
        Assert.Equal(0, filter.WaitForExit(Patience.Short));
        Assert.Equal(30, _env.Get("192.0.2.44"));

        // A clean body adds nothing.
        using LineProcess clean = StartFilter(patterns, "192.0.2.45", "--socket", _env.Socket);
        clean.Input.Write("text=hello+viagra"u8);
        clean.CloseInput();
        Assert.Equal("text=hello+viagra", clean.ReadToEnd(s_answer));
        Assert.Equal(0, clean.WaitForExit(Patience.Short));
        Assert.Equal(0, _env.Get("192.0.2.45"));
    }

    [Fact]
    public async Task FilterWithTheDaemonDownStillCopiesTheBodyAndExits0()
    {
        string patterns = Path.Combine(_env.Directory, "patterns");
        File.WriteAllText(patterns, "viagra-offer\n");
        using LineProcess filter = StartFilter(patterns, "192.0.2.44", "--socket", Path.Combine(_env.Directory, "nobody.sock"));
        byte[] body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("text=viagra-offer&", 5000)));
        Task write = Task.Run(() =>
        {
            filter.Input.Write(body);
            filter.CloseInput();
        });
        string output = filter.ReadToEnd(s_answer);
        await write;
        Assert.Equal(0, filter.WaitForExit(Patience.Short));
        Assert.Equal(Encoding.ASCII.GetString(body), output);
        Assert.Contains("cannot reach the daemon", filter.Stderr, StringComparison.Ordinal);
    }

    private LineProcess StartFilter(string patterns, string remoteAddress, params string[] extra) =>
        LineProcess.Start(TinyfenceProgram.Path, ["filter", "--table", "spam", "--add", "30", "--patterns", patterns, "--run-dir", _env.RunDir, .. extra],
            new Dictionary<string, string> { ["REMOTE_ADDR"] = remoteAddress });

    /// <summary>Writes a random body in 64 KiB writes while reading the output; the peak memory is read near the end.</summary>
    internal static (byte[] Sent, byte[] Received, long HwmKiB) PumpBody(LineProcess filter, int size)
    {
        using (filter)
        {
            byte[] body = new byte[size];
            new Random(3).NextBytes(body);
            var received = new MemoryStream();
            Stream stdout = filter.Output;
            Task reader = Task.Run(() => stdout.CopyTo(received));
            long hwm = 0;
            for (int offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                filter.Input.Write(body, offset, Math.Min(64 * 1024, body.Length - offset));
                if (offset % (4 * 1024 * 1024) == 0 || offset + (64 * 1024) >= body.Length)
                {
                    hwm = Math.Max(hwm, filter.StatusKiB("VmHWM"));
                }
            }

            filter.Input.Flush();
            hwm = Math.Max(hwm, filter.StatusKiB("VmHWM"));
            filter.CloseInput();
            Assert.True(reader.Wait(Patience.Long), "the filter's output did not end");
            Assert.Equal(0, filter.WaitForExit(Patience.Short));
            return (body, received.ToArray(), hwm);
        }
    }

    private static string Url(string line) => line.Split(' ')[5];

    private static void WaitFor(Func<bool> condition, string what) => Patience.WaitUntil(condition, what, intervalMs: 50);
}
