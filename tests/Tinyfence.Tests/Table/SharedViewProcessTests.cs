using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Table;

/// <summary>
/// The shared view as Apache's map programs read it: <c>tinyfence map</c> processes reading a
/// table file that this process writes at full speed, and following the file when it is replaced.
/// </summary>
public sealed class SharedViewProcessTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly TimeSpan s_answer = Patience.Short;

    private readonly string _dir = Directory.CreateTempSubdirectory("tf-viewproc-").FullName;

    private string ViewPath => Path.Combine(_dir, "spam.table");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LineProcess StartMap(params string[] extra) =>
        LineProcess.Start(TinyfenceProgram.Path, ["map", "--table", "spam", "--op", "get", "--run-dir", _dir, .. extra]);

    [Fact]
    public async Task ReaderProcessesNeverSeeATornOrMissingEntryWhileTheWriterRunsAtFullSpeed()
    {
        const int StableCount = 300;
        const int AnswersEach = 10_000;
        var minimumRun = TimeSpan.FromSeconds(5);
        using ScoreTable table = ScoreTable.CreateShared(
            new TableSpec("spam", 6144, 3, 86400, 15, 128), ViewPath, ReadableByAll);

        // Each stable key alternates between two scores of its own: any other value read for it
        // is a torn entry or another key's entry; 0 is a key missed while entries moved. BUSY (the
        // maps' fallback) is the designed answer when the writer was preempted mid-write for longer
        // than a reader waits (a loaded machine): counted, not a failure.
        IpKey[] stable = [.. Enumerable.Range(0, StableCount).Select(i => Keys.V4(10, 1, (byte)(i / 250), (byte)(i % 250 + 1)))];
        string[] stableText = [.. stable.Select(Format)];
        string[][] allowed = [.. Enumerable.Range(0, StableCount).Select(i => new[] { ScoreA(i).ToString(CultureInfo.InvariantCulture), ScoreB(i).ToString(CultureInfo.InvariantCulture) })];
        uint now = table.Now;
        for (int i = 0; i < StableCount; i++)
        {
            table.Set(stable[i], ScoreA(i), now);
        }

        using var stop = new CancellationTokenSource();
        long rounds = 0;
        long sweeps = 0;
        var writer = new Thread(() =>
        {
            var random = new Random(7);
            bool b = false;
            while (!stop.IsCancellationRequested)
            {
                b = !b;
                uint time = table.Now;
                for (int i = 0; i < StableCount; i++)
                {
                    table.Set(stable[i], b ? ScoreB(i) : ScoreA(i), time);
                }

                // Churn among them: inserts and deletions (backward shifts move the stable keys).
                for (int i = 0; i < 600; i++)
                {
                    IpKey churn = Keys.V4(10, 2, (byte)random.Next(0, 24), (byte)random.Next(1, 251));
                    if ((i & 1) == 0)
                    {
                        table.Set(churn, 5, time);
                    }
                    else
                    {
                        table.Delete(churn);
                    }
                }

                // Entries that decayed to nothing long ago, for the sweeps to remove.
                if (rounds % 16 == 0)
                {
                    for (int i = 0; i < 50; i++)
                    {
                        IpKey dead = Keys.V4(10, 3, (byte)(i / 200), (byte)(i % 200 + 1));
                        table.Restore(new StoredScore(dead, 1, time - (30 * 86400), time - (30 * 86400)));
                    }

                    table.Sweep(time);
                    Interlocked.Increment(ref sweeps);
                }

                Interlocked.Increment(ref rounds);
            }
        })
        { IsBackground = true, Name = "stress writer" };
        writer.Start();

        var readers = new List<LineProcess>();
        try
        {
            for (int r = 0; r < 3; r++)
            {
                readers.Add(StartMap("--fallback", Busy));
            }

            // Each reader goes on for 5 s, and then until it has checked its share while the writer
            // did enough rounds and sweeps: the counts are reached however long a loaded machine takes.
            var clock = Stopwatch.StartNew();
            long busy = 0;
            Task<(long Checked, string? Failure)>[] runs = [.. readers.Select(reader => Task.Run(() =>
            {
                long answers = 0;
                var batch = new StringBuilder();
                foreach (string key in stableText)
                {
                    batch.Append(key).Append('\n');
                }

                byte[] bytes = Encoding.ASCII.GetBytes(batch.ToString());
                while (clock.Elapsed < minimumRun || answers < AnswersEach || Interlocked.Read(ref rounds) <= 100 || Interlocked.Read(ref sweeps) <= 5)
                {
                    if (clock.Elapsed > Patience.Long)
                    {
                        return (answers, $"{answers} answers, and the writer at {Interlocked.Read(ref rounds)} rounds, {Interlocked.Read(ref sweeps)} sweeps, after {clock.Elapsed}");
                    }

                    reader.Input.Write(bytes);
                    reader.Input.Flush();
                    for (int i = 0; i < StableCount; i++)
                    {
                        string? answer = reader.ReadLine(s_answer);
                        if (answer == Busy)
                        {
                            Interlocked.Increment(ref busy);
                            continue;
                        }

                        if (answer != allowed[i][0] && answer != allowed[i][1])
                        {
                            return (answers, $"after {answers} good answers, {stableText[i]} answered '{answer}', expected {allowed[i][0]} or {allowed[i][1]}");
                        }

                        answers++;
                    }
                }

                return (answers, (string?)null);
            }))];
            (long Checked, string? Failure)[] results = await Task.WhenAll(runs);
            await stop.CancelAsync();
            writer.Join();

            foreach ((long _, string? failure) in results)
            {
                Assert.Null(failure);
            }

            long total = results.Sum(r => r.Checked);
            output.WriteLine($"{total} answers checked from 3 map processes ({busy} more answered {Busy}); the writer ran {rounds} rounds ({rounds * (StableCount + 600)} writes), {sweeps} sweeps");
            Assert.True(total >= 3 * AnswersEach, $"only {total} answers checked");
            Assert.True(rounds > 100 && sweeps > 5, $"the writer ran only {rounds} rounds, {sweeps} sweeps");
            Assert.Equal(StableCount, Enumerable.Range(0, StableCount).Count(i => table.Get(stable[i], table.Now) > 0));
        }
        finally
        {
            // The table is unmapped when the test ends: the writer must be done with it first.
            await stop.CancelAsync();
            writer.Join();
            foreach (LineProcess reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    [Fact]
    public void ARunningMapReopensATableRecreatedWithAnotherCapacity()
    {
        IpKey key = Keys.V4(192, 0, 2, 7);
        using ScoreTable first = ScoreTable.CreateShared(ScoreTableTests.Spec(capacity: 100), ViewPath, ReadableByAll);
        first.Set(key, 7, first.Now);
        using LineProcess map = StartMap();
        Assert.Equal("7", Ask(map, "192.0.2.7"));

        using ScoreTable second = ScoreTable.CreateShared(ScoreTableTests.Spec(capacity: 5000), ViewPath, ReadableByAll);
        second.Set(key, 9, second.Now);
        first.Set(key, 8, first.Now); // the retired file is still written: the map must not stay on it
        WaitForAnswer(map, "192.0.2.7", "9");

        // Recreated once more at the same capacity (a daemon restart): followed as well.
        using ScoreTable third = ScoreTable.CreateShared(ScoreTableTests.Spec(capacity: 5000), ViewPath, ReadableByAll);
        third.Set(key, 11, third.Now);
        WaitForAnswer(map, "192.0.2.7", "11");

        map.CloseInput();
        Assert.Equal(0, map.WaitForExit(Patience.Short));
    }

    [Fact]
    public void AMapStartedBeforeTheTableExistsAnswersTheFallbackThenPicksTheTableUp()
    {
        using LineProcess map = StartMap("--fallback", "NOVIEW");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("NOVIEW", Ask(map, "192.0.2.7"));
        }

        Assert.Equal("NULL", Ask(map, "not-an-address"));
        using ScoreTable table = ScoreTable.CreateShared(ScoreTableTests.Spec(), ViewPath, ReadableByAll);
        table.Set(Keys.V4(192, 0, 2, 7), 4, table.Now);
        WaitForAnswer(map, "192.0.2.7", "4");
        Assert.Equal("0", Ask(map, "192.0.2.8"));
    }

    internal static string Ask(LineProcess map, string key)
    {
        map.WriteLine(key);
        return map.ReadLine(s_answer) ?? throw new InvalidOperationException("the map's output ended; stderr:\n" + map.Stderr);
    }

    /// <summary>Asks until the answer is <paramref name="expected"/>; fails after the guard.</summary>
    internal static void WaitForAnswer(LineProcess map, string key, string expected)
    {
        string? last = null;
        if (!Patience.Until(() => (last = Ask(map, key)) == expected))
        {
            Assert.Fail($"{key} still answered '{last}', expected '{expected}'");
        }
    }

    private const string Busy = "BUSY";

    private static int ScoreA(int i) => 10_000 + i;

    private static int ScoreB(int i) => 20_000 + i;

    private static string Format(IpKey key)
    {
        Span<byte> text = stackalloc byte[IpKey.MaxTextLength];
        return Encoding.ASCII.GetString(text[..key.Format(text)]);
    }
}
