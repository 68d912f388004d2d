using Tinyfence.Tests.Support;
using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

/// <summary>
/// After warm-up no read allocates: the daemon calls these every tick for months. The counter is
/// per thread, so tests running in parallel on other threads do not disturb it.
/// </summary>
public class ProcReaderAllocationTests
{
    private const int WarmUp = 100;
    private const int Iterations = 5000;

    // Prebuilt like the rule engine's: a collection expression at the call site would allocate in the test itself.
    private static readonly ushort[] s_ports = [80, 443];

    private delegate void Tick(ProcReader reader);

    private static long AllocatedBytes(string tree, Tick tick, int iterations = Iterations)
    {
        using var reader = new ProcReader(tree);
        for (int i = 0; i < WarmUp; i++)
        {
            tick(reader);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            tick(reader);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData("idle")]
    [InlineData("old-kernel")]
    public void ReadingTheLoadAverageAllocatesNothing(string tree) =>
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree(tree), static r => r.ReadLoadAverage(out _)));

    [Theory]
    [InlineData("idle")]
    [InlineData("old-kernel")]
    public void ReadingMemInfoAllocatesNothing(string tree) =>
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree(tree), static r => r.ReadMemInfo(out _)));

    [Theory]
    [InlineData("idle")]
    [InlineData("old-kernel")]
    public void ReadingCpuTimesAllocatesNothing(string tree) =>
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree(tree), static r => r.ReadCpuTimes(out _)));

    [Fact]
    public void ReadingPressureAllocatesNothing() =>
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree("overloaded"), static r =>
        {
            r.ReadPressure(PressureResource.Cpu, out _);
            r.ReadPressure(PressureResource.Memory, out _);
            r.ReadPressure(PressureResource.Io, out _);
        }));

    [Fact]
    public void AMissingFileAllocatesNothingEitherOnEveryRetry() =>
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree("old-kernel"), static r =>
        {
            r.ReadPressure(PressureResource.Memory, out _);
            r.CountEstablished(s_ports, stackalloc int[2]);
        }));

    [Theory]
    [InlineData("idle")]
    [InlineData("overloaded")]
    public void CountingEstablishedConnectionsAllocatesNothing(string tree) =>
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree(tree), static r => r.CountEstablished(s_ports, stackalloc int[2])));

    [Fact]
    public void CountingEstablishedConnectionsInALargeTableAllocatesNothing()
    {
        using var tree = new FakeProcTree(fixture: null);
        string line = "   1: 0A01A8C0:0050 0771CBCB:C890 01 00000000:00000000 01:00000015 00000000    33        0 20028 2 ffff8f1e4c3aa000 20 4 30 10 -1".PadRight(149) + "\n";
        tree.Write("net/tcp", string.Concat(Enumerable.Repeat(line, 2000)));     // 300 KB: five chunks, cut lines
        Assert.Equal(0, AllocatedBytes(tree.Root, static r => r.CountEstablished(s_ports, stackalloc int[2]), iterations: 500));
    }

    [Theory]
    [InlineData("idle")]
    [InlineData("overloaded")]
    public void CountingProcessesAllocatesNothing(string tree)
    {
        var all = ProcessFilter.All;
        var byState = new ProcessFilter([], ProcessStates.Zombie | ProcessStates.Uninterruptible);
        var byUserAndState = new ProcessFilter([33, 1000], ProcessStates.Running | ProcessStates.Sleeping);
        Assert.Equal(0, AllocatedBytes(ProcFixtures.Tree(tree), r =>
        {
            r.CountProcesses(all, out _);
            r.CountProcesses(byState, out _);
            r.CountProcesses(byUserAndState, out _);
        }, iterations: 2000));
    }

    [Fact]
    public void ReadingTheRealProcAllocatesNothing()
    {
        var filter = new ProcessFilter([0], ProcessStates.Running | ProcessStates.Sleeping);
        Assert.Equal(0, AllocatedBytes("/proc", r =>
        {
            r.ReadLoadAverage(out _);
            r.ReadMemInfo(out _);
            r.ReadCpuTimes(out _);
            r.ReadPressure(PressureResource.Cpu, out _);
            r.CountEstablished(s_ports, stackalloc int[2]);
            r.CountProcesses(filter, out _);
        }, iterations: 200));
    }
}
