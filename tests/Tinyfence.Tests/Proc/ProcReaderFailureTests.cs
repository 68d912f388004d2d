using Tinyfence.Tests.Support;
using System.Text;
using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

/// <summary>ProcReader when files are missing, appear later, fail or hold garbage: a ReadResult, never an exception.</summary>
public class ProcReaderFailureTests
{
    private const int EISDIR = 21;

    private const string MemInfo = "MemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n";

    // A /proc of only the given files: the count of processes the filter takes, the scan being Ok.
    private static int CountProcessesIn(ProcessFilter filter, params (string Path, string Text)[] files)
    {
        using var tree = new FakeProcTree(fixture: null);
        foreach ((string path, string text) in files)
        {
            tree.Write(path, text);
        }

        using var reader = new ProcReader(tree.Root);
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(filter, out int count));
        return count;
    }

    [Fact]
    public void AnEmptyRootGivesMissingForEveryFile()
    {
        using var tree = new FakeProcTree(fixture: null);
        using var reader = new ProcReader(tree.Root);
        Assert.Equal(ReadStatus.Missing, reader.ReadLoadAverage(out _).Status);
        Assert.Equal(ReadStatus.Missing, reader.ReadMemInfo(out _).Status);
        Assert.Equal(ReadStatus.Missing, reader.ReadCpuTimes(out _).Status);
        Assert.Equal(ReadStatus.Missing, reader.ReadPressure(PressureResource.Io, out _).Status);
        Assert.Equal(ReadStatus.Missing, reader.CountEstablished([80], new int[1]).Status);
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out int count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void ARootThatDoesNotExistIsMissingForProcessesToo()
    {
        using var reader = new ProcReader("/nonexistent/proc");
        ReadResult result = reader.CountProcesses(ProcessFilter.All, out int count);
        Assert.Equal(ReadStatus.Missing, result.Status);
        Assert.Equal(0, count);
        Assert.Equal(ReadStatus.Missing, reader.ReadLoadAverage(out _).Status);
    }

    [Fact]
    public void ARootThatIsAFileIsMissing()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("notadir", "x");
        using var reader = new ProcReader(Path.Combine(tree.Root, "notadir"));
        Assert.Equal(ReadStatus.Missing, reader.CountProcesses(ProcessFilter.All, out _).Status);
        Assert.Equal(ReadStatus.Missing, reader.ReadMemInfo(out _).Status);   // ENOTDIR
    }

    [Fact]
    public void AFileThatAppearsLaterIsReadOnceItExists()
    {
        using var tree = new FakeProcTree(fixture: null);
        using var reader = new ProcReader(tree.Root);
        Assert.Equal(ReadStatus.Missing, reader.ReadPressure(PressureResource.Memory, out _).Status);

        tree.Write("pressure/memory", "some avg10=1.50 avg60=1.00 avg300=0.50 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Assert.Equal(ReadResult.Ok, reader.ReadPressure(PressureResource.Memory, out Pressure p));
        Assert.Equal(1.5, p.SomeAvg10);
    }

    [Fact]
    public void TheSameOpenFileIsReReadFromTheStartEachTime()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("loadavg", "1.00 2.00 3.00 1/1 1\n");
        using var reader = new ProcReader(tree.Root);
        reader.ReadLoadAverage(out LoadAverage first);

        File.WriteAllText(Path.Combine(tree.Root, "loadavg"), "4.00 5.00 6.00 1/1 1\n");
        Assert.Equal(ReadResult.Ok, reader.ReadLoadAverage(out LoadAverage second));
        Assert.Equal((1.0, 4.0), (first.One, second.One));
    }

    [Fact]
    public void AReadErrorIsFailedWithItsErrnoAndTheFileIsReopenedNextTime()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.CreateDirectory("meminfo");                  // opens fine, every read fails with EISDIR
        using var reader = new ProcReader(tree.Root);

        ReadResult result = reader.ReadMemInfo(out MemInfo m);
        Assert.Equal(new ReadResult(ReadStatus.Failed, EISDIR), result);
        Assert.Equal("read failed: errno 21", result.Describe());
        Assert.Equal(default, m);

        tree.Delete("meminfo");
        tree.Write("meminfo", MemInfo);
        Assert.Equal(ReadResult.Ok, reader.ReadMemInfo(out m));
        Assert.Equal(100, m.MemTotalKiB);
    }

    [Theory]
    [InlineData("loadavg", "")]
    [InlineData("loadavg", "garbage\n")]
    [InlineData("meminfo", "MemTotal: 100 kB\n")]
    [InlineData("stat", "intr 1 2 3\n")]
    [InlineData("pressure/cpu", "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")]
    public void GarbageContentIsMalformed(string file, string content)
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write(file, content);
        using var reader = new ProcReader(tree.Root);
        ReadResult result = file switch
        {
            "loadavg" => reader.ReadLoadAverage(out _),
            "meminfo" => reader.ReadMemInfo(out _),
            "stat" => reader.ReadCpuTimes(out _),
            _ => reader.ReadPressure(PressureResource.Cpu, out _),
        };
        Assert.Equal(ReadResult.Malformed, result);
    }

    [Fact]
    public void OnlyTcp6IsEnoughForConnectionCounts()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("net/tcp6", File.ReadAllText(Path.Combine(ProcFixtures.Tree("idle"), "net/tcp6")));
        using var reader = new ProcReader(tree.Root);
        int[] counts = new int[2];
        Assert.Equal(ReadResult.Ok, reader.CountEstablished([80, 443], counts));
        Assert.Equal([1, 2], counts);
    }

    [Fact]
    public void ACorruptTcpTableIsMalformed()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("net/tcp", "  sl  local_address\n   0: nonsense\n");
        using var reader = new ProcReader(tree.Root);
        Assert.Equal(ReadResult.Malformed, reader.CountEstablished([80], new int[1]));
    }

    [Fact]
    public void ALineLongerThanTheReadBufferIsMalformed()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("net/tcp", "   0: " + new string('0', 100_000) + "\n");
        using var reader = new ProcReader(tree.Root);
        Assert.Equal(ReadResult.Malformed, reader.CountEstablished([80], new int[1]));
    }

    [Fact]
    public void ATcpTableOfMegabytesIsCountedAcrossManyReads()
    {
        // 20,000 lines of 150 bytes: 3 MB, about 46 reads of 64 KiB with lines cut at every boundary.
        var text = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode".PadRight(149)).Append('\n');
        int expected80 = 0, expected443 = 0;
        for (int i = 0; i < 20_000; i++)
        {
            int port = i % 3 == 0 ? 80 : i % 3 == 1 ? 443 : 8443;
            int state = i % 5 == 0 ? 6 : 1;
            expected80 += state == 1 && port == 80 ? 1 : 0;
            expected443 += state == 1 && port == 443 ? 1 : 0;
            string line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{i,4}: 0A01A8C0:{port:X4} 0771CBCB:{(i % 60000) + 1024:X4} {state:X2} 00000000:00000000 01:00000015 00000000    33        0 {20000 + i} 2 ffff8f1e4c3aa000 20 4 30 10 -1");
            text.Append(line.PadRight(149)).Append('\n');
        }

        using var tree = new FakeProcTree(fixture: null);
        tree.Write("net/tcp", text.ToString());
        using var reader = new ProcReader(tree.Root);
        int[] counts = new int[2];
        Assert.Equal(ReadResult.Ok, reader.CountEstablished([80, 443], counts));
        Assert.Equal([expected80, expected443], counts);
    }

    [Fact]
    public void AProcessThatVanishedMidScanIsSkipped()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("10/stat", "10 (a) S 1 10 10 0 -1\n");
        tree.Write("10/status", "Name:\ta\nUid:\t0\t0\t0\t0\n");
        tree.CreateDirectory("11");                       // listed, but its files are gone: exited
        using var reader = new ProcReader(tree.Root);

        Assert.Equal(ReadResult.Ok, reader.CountProcesses(new ProcessFilter([], ProcessStates.Sleeping), out int byState));
        Assert.Equal(1, byState);
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(new ProcessFilter([0], ProcessStates.Any), out int byUser));
        Assert.Equal(1, byUser);
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out int all));
        Assert.Equal(2, all);                             // without a filter nothing is read: both directories count
    }

    [Fact]
    public void OnlyNumericDirectoriesAreProcesses()
    {
        Assert.Equal(1, CountProcessesIn(ProcessFilter.All,
            ("10/stat", "10 (a) S 1 10 10 0 -1\n"),
            ("net/tcp", ""),
            ("12a/stat", "12 (b) S 1 12 12 0 -1\n"),
            ("123", "a regular file named like a PID"),
            ("12345678901/stat", "1 (c) S 1 1 1 0 -1\n"))); // 11 digits: no PID is that long
    }

    [Fact]
    public void AProcessWithACorruptStatIsSkipped()
    {
        Assert.Equal(1, CountProcessesIn(new ProcessFilter([], ProcessStates.Running),
            ("10/stat", "10 (a S 1 10 10 0 -1\n"),
            ("11/stat", "11 (b) R 1 11 11 0 -1\n")));
    }

    [Fact]
    public void AProcessWhoseStatusHasNoUidIsSkipped()
    {
        Assert.Equal(0, CountProcessesIn(new ProcessFilter([0], ProcessStates.Any),
            ("10/stat", "10 (a) S 1 10 10 0 -1\n"),
            ("10/status", "Name:\ta\n")));
    }

    [Fact]
    public void AScanAfterTheRootDirectoryWasReplacedReopensIt()
    {
        using var tree = new FakeProcTree(fixture: null);
        string root = Path.Combine(tree.Root, "proc");
        tree.Write("proc/1/stat", "1 (a) S 0 1 1 0 -1\n");
        using var reader = new ProcReader(root);
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out int before));

        tree.Delete("proc");
        Assert.Equal(ReadStatus.Missing, reader.CountProcesses(ProcessFilter.All, out _).Status);
        tree.Write("proc/1/stat", "1 (a) S 0 1 1 0 -1\n");
        tree.Write("proc/2/stat", "2 (b) S 0 2 2 0 -1\n");
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out int after));
        Assert.Equal((1, 2), (before, after));
    }
}
