using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules;
using Tinyfence.Rules.Sources;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Rules;

public class SpaceSourceTests
{
    [Fact]
    public void AHungFileSystemMakesItsFiguresUnavailableInsteadOfStoppingTheTick()
    {
        using var release = new ManualResetEventSlim(false);
        bool hang = true;
        ReadResult Statvfs(ReadOnlySpan<byte> path, out SpaceInfo space)
        {
            if (hang)
            {
                release.Wait(); // a dead NFS mount: the call does not return
            }

            space = new SpaceInfo { TotalBytes = 100, FreeBytes = 40, AvailableBytes = 30 };
            return ReadResult.Ok;
        }

        var memory = new MemorySink();
        var log = new Logger(memory);
        using var source = new SpaceSource(0, "/mnt/dead-nfs", Statvfs);
        var readings = new Readings(SpaceSource.SlotsPerSource);
        using var reader = new ProcReader("/proc");

        source.Sample(reader, readings, log); // returns after the short answer timeout
        Assert.False(readings.Available[SpaceSource.Free]);
        source.Sample(reader, readings, log); // the first call still hangs: no second one piles up
        Assert.False(readings.Available[SpaceSource.Free]);
        Assert.Contains("statvfs(\"/mnt/dead-nfs\"): unavailable (no answer (a hung file system?))", memory.Text, StringComparison.Ordinal);

        hang = false;
        release.Set();
        Assert.True(SpinWait.SpinUntil(() =>
        {
            source.Sample(reader, readings, log);
            return readings.Available[SpaceSource.Free];
        }, Patience.Short));
        Assert.Equal(40, readings.Values[SpaceSource.Free]);
        Assert.Contains("readable again", memory.Text, StringComparison.Ordinal);
    }
}
