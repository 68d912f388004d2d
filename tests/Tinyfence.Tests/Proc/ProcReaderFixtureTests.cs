using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

/// <summary>ProcReader on the fixture trees: the exact figures of fixtures/proc/README.md.</summary>
public class ProcReaderFixtureTests
{
    private static readonly ushort[] s_ports = [80, 443, 22, 3306, 8080, 33168];

    [Theory]
    [InlineData("idle", 0.08, 0.12, 0.10)]
    [InlineData("overloaded", 12.5, 7.2, 3.1)]
    [InlineData("old-kernel", 0.08, 0.03, 0.01)]
    [InlineData("container", 1.15, 0.98, 0.87)]
    public void ReadsTheLoadAverages(string tree, double one, double five, double fifteen)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.ReadLoadAverage(out LoadAverage la));
        Assert.Equal((one, five, fifteen), (la.One, la.Five, la.Fifteen));
    }

    [Theory]
    [InlineData("idle", 16303412, 11204560, 312448, 2904116, true, 14420332, 4194300, 4194300)]
    [InlineData("overloaded", 8029620, 98304, 2048, 120832, true, 151552, 2097148, 131072)]
    [InlineData("old-kernel", 2075020, 512340, 84212, 903120, false, 0, 4192956, 4192956)]
    [InlineData("container", 1048576, 524288, 0, 786432, true, 655360, 0, 0)]
    public void ReadsMemInfo(string tree, long total, long free, long buffers, long cached, bool hasAvailable, long available, long swapTotal, long swapFree)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.ReadMemInfo(out MemInfo m));
        Assert.Equal(total, m.MemTotalKiB);
        Assert.Equal(free, m.MemFreeKiB);
        Assert.Equal(buffers, m.BuffersKiB);
        Assert.Equal(cached, m.CachedKiB);
        Assert.Equal(hasAvailable, m.HasMemAvailable);
        Assert.Equal(available, m.MemAvailableKiB);
        Assert.Equal(swapTotal, m.SwapTotalKiB);
        Assert.Equal(swapFree, m.SwapFreeKiB);
    }

    [Fact]
    public void TheContainerTreeHasMoreFreeBuffersAndCacheThanTotalMemory()
    {
        using var reader = new ProcReader(ProcFixtures.Tree("container"));
        reader.ReadMemInfo(out MemInfo m);
        Assert.Equal(1310720, m.MemFreeKiB + m.BuffersKiB + m.CachedKiB);
        Assert.True(m.MemFreeKiB + m.BuffersKiB + m.CachedKiB > m.MemTotalKiB);
    }

    [Theory]
    [InlineData("idle", 1287431UL, 93876121UL, 20143UL, 0UL, 95607597UL, 1711333UL)]
    [InlineData("overloaded", 8812340UL, 1450233UL, 2977104UL, 4410UL, 16464008UL, 12036671UL)]
    [InlineData("old-kernel", 102345UL, 8823401UL, 10223UL, 0UL, 8981503UL, 147879UL)]
    [InlineData("container", 40221871UL, 301288761UL, 711092UL, 12001UL, 352836486UL, 50836633UL)]
    public void ReadsTheAggregateCpuTimes(string tree, ulong user, ulong idle, ulong iowait, ulong steal, ulong total, ulong busy)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.ReadCpuTimes(out CpuTimes t));
        Assert.Equal((user, idle, iowait, steal, total, busy), (t.User, t.Idle, t.IoWait, t.Steal, t.Total, t.Busy));
    }

    [Theory]
    [InlineData("idle", PressureResource.Cpu, 0.00, 0.12, 0.08, 0.00)]
    [InlineData("idle", PressureResource.Memory, 0.00, 0.00, 0.00, 0.00)]
    [InlineData("idle", PressureResource.Io, 0.35, 0.21, 0.15, 0.27)]
    [InlineData("overloaded", PressureResource.Cpu, 85.21, 72.40, 41.07, 0.00)]
    [InlineData("overloaded", PressureResource.Memory, 62.50, 55.31, 30.12, 48.75)]
    [InlineData("overloaded", PressureResource.Io, 55.10, 47.86, 25.33, 40.20)]
    public void ReadsPressure(string tree, PressureResource resource, double some10, double some60, double some300, double full10)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.ReadPressure(resource, out Pressure p));
        Assert.Equal((some10, some60, some300), (p.SomeAvg10, p.SomeAvg60, p.SomeAvg300));
        Assert.True(p.HasFull);
        Assert.Equal(full10, p.FullAvg10);
    }

    [Theory]
    [InlineData("old-kernel")]
    [InlineData("container")]
    public void PressureWithoutThePressureDirectoryIsMissing(string tree)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        foreach (PressureResource resource in Enum.GetValues<PressureResource>())
        {
            ReadResult result = reader.ReadPressure(resource, out Pressure p);
            Assert.Equal(ReadStatus.Missing, result.Status);
            Assert.Equal(default, p);
        }
    }

    // Ports:                      80  443  22  3306  8080  33168
    [Theory]
    [InlineData("idle", new[] { 4, 4, 1, 1, 0, 1 })]
    [InlineData("overloaded", new[] { 48, 5, 0, 0, 0, 0 })]
    [InlineData("old-kernel", new[] { 2, 0, 0, 0, 0, 0 })]
    [InlineData("container", new[] { 4, 0, 0, 0, 0, 0 })]
    public void CountsEstablishedConnectionsPerLocalPort(string tree, int[] expected)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        int[] counts = new int[s_ports.Length];
        Assert.Equal(ReadResult.Ok, reader.CountEstablished(s_ports, counts));
        Assert.Equal(expected, counts);
    }

    [Fact]
    public void CountsAreResetOnEveryCall()
    {
        using var reader = new ProcReader(ProcFixtures.Tree("idle"));
        int[] counts = [99, 99];
        reader.CountEstablished([80, 443], counts);
        reader.CountEstablished([80, 443], counts);
        Assert.Equal([4, 4], counts);
    }

    [Theory]
    [InlineData("idle", 11)]
    [InlineData("overloaded", 11)]
    [InlineData("old-kernel", 6)]
    [InlineData("container", 5)]
    public void CountsEveryProcessWithoutAFilter(string tree, int expected)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out int count));
        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData("idle", ProcessStates.Running, 1)]
    [InlineData("idle", ProcessStates.Sleeping, 6)]         // includes "x) R (y z", whose name holds an R
    [InlineData("idle", ProcessStates.Uninterruptible, 1)]
    [InlineData("idle", ProcessStates.Stopped, 1)]
    [InlineData("idle", ProcessStates.Zombie, 1)]
    [InlineData("idle", ProcessStates.Any, 11)]              // the idle kernel thread (I) counts only here
    [InlineData("idle", ProcessStates.Running | ProcessStates.Sleeping | ProcessStates.Stopped, 8)]
    [InlineData("overloaded", ProcessStates.Running, 4)]
    [InlineData("overloaded", ProcessStates.Sleeping, 3)]
    [InlineData("overloaded", ProcessStates.Uninterruptible, 3)]
    [InlineData("overloaded", ProcessStates.Uninterruptible | ProcessStates.Zombie, 4)]
    [InlineData("old-kernel", ProcessStates.Running, 1)]
    [InlineData("old-kernel", ProcessStates.Sleeping, 5)]
    [InlineData("container", ProcessStates.Running, 1)]
    [InlineData("container", ProcessStates.Zombie, 0)]
    public void CountsProcessesByState(string tree, ProcessStates states, int expected)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(new ProcessFilter([], states), out int count));
        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData("idle", new uint[] { 0 }, 6)]                 // effective uid: the setuid passwd (real 1000) counts for root
    [InlineData("idle", new uint[] { 33 }, 3)]
    [InlineData("idle", new uint[] { 1000 }, 2)]
    [InlineData("idle", new uint[] { 33, 1000 }, 5)]
    [InlineData("idle", new uint[] { 33, 33 }, 3)]            // a uid listed twice counts its processes once
    [InlineData("idle", new uint[] { 4242 }, 0)]
    [InlineData("overloaded", new uint[] { 33 }, 6)]
    [InlineData("overloaded", new uint[] { 106 }, 1)]
    [InlineData("old-kernel", new uint[] { 48 }, 2)]          // 2.6.18 status: Uid on the 8th line
    [InlineData("container", new uint[] { 101 }, 3)]
    public void CountsProcessesByEffectiveUid(string tree, uint[] uids, int expected)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(new ProcessFilter(uids, ProcessStates.Any), out int count));
        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData("idle", 33u, ProcessStates.Zombie, 1)]
    [InlineData("idle", 33u, ProcessStates.Running | ProcessStates.Sleeping, 2)]
    [InlineData("idle", 0u, ProcessStates.Zombie, 0)]
    [InlineData("overloaded", 33u, ProcessStates.Uninterruptible, 2)]
    [InlineData("overloaded", 106u, ProcessStates.Uninterruptible, 1)]
    public void CountsProcessesByUidAndState(string tree, uint uid, ProcessStates states, int expected)
    {
        using var reader = new ProcReader(ProcFixtures.Tree(tree));
        Assert.Equal(ReadResult.Ok, reader.CountProcesses(new ProcessFilter([uid], states), out int count));
        Assert.Equal(expected, count);
    }

    [Fact]
    public void RepeatedScansGiveTheSameCount()
    {
        using var reader = new ProcReader(ProcFixtures.Tree("idle"));
        var filter = new ProcessFilter([33], ProcessStates.Any);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ReadResult.Ok, reader.CountProcesses(filter, out int count));
            Assert.Equal(3, count);
        }
    }

    [Fact]
    public void RootIsAbsoluteAndWithoutTrailingSlash()
    {
        using var reader = new ProcReader(ProcFixtures.Tree("idle") + "/");
        Assert.Equal(ProcFixtures.Tree("idle"), reader.Root);
        using var real = new ProcReader();
        Assert.Equal("/proc", real.Root);
    }
}
