using System.Diagnostics;
using Tinyfence.Blocklist;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// The daemon rewrites the map for as long as it runs: once the buffers have grown to the key
/// count, a rewrite allocates nothing. The counter is per thread, so other tests do not disturb it.
/// </summary>
public sealed class SdbmMapWriterAllocationTests(ITestOutputHelper output)
{
    /// <param name="root">The temporary folder (a disk here, where fsync costs) or /dev/shm (tmpfs, as /run is).</param>
    [Theory]
    [InlineData("temp")]
    [InlineData("/dev/shm")]
    public void RewritingTenThousandKeysAllocatesNothingOnceWarm(string root)
    {
        if (root != "temp" && !Directory.Exists(root))
        {
            return;
        }

        DirectoryInfo folder = root == "temp"
            ? Directory.CreateTempSubdirectory("tinyfence-sdbm-alloc-")
            : Directory.CreateDirectory(Path.Combine(root, "tinyfence-sdbm-alloc-" + Environment.ProcessId));
        try
        {
            RewriteRepeatedly(Path.Combine(folder.FullName, "blocked"), root);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private void RewriteRepeatedly(string basePath, string root)
    {
        byte[][] first = TestKeys.Bytes(TestKeys.IPv4(10_000, seed: 21));
        byte[][] second = TestKeys.Bytes(TestKeys.IPv4(10_000, seed: 22));
        var writer = new SdbmMapWriter(basePath, "BLOCK"u8);
        Rewrite(writer, first);
        Rewrite(writer, second);

        const int Rewrites = 20;
        // CPU time too: on a shared, loaded machine the wall time says little. (Process-wide, so
        // it includes whatever else runs in the test process at the time.)
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp(); // a Stopwatch object would be counted
        for (int i = 0; i < Rewrites; i++)
        {
            Rewrite(writer, (i & 1) == 0 ? first : second);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        output.WriteLine($"{root}: {Rewrites} rewrites of 10,000 IPv4 keys: {elapsed.TotalMilliseconds / Rewrites:F2} ms each, " +
            $"process CPU {cpu.TotalMilliseconds / Rewrites:F2} ms each " +
            $"(Begin, Add x 10,000, Commit with fsync and rename), .pag {new FileInfo(writer.BasePath + ".pag").Length} bytes");
        Assert.Equal(0, allocated);
    }

    private static void Rewrite(SdbmMapWriter writer, byte[][] keys)
    {
        writer.Begin();
        foreach (byte[] key in keys)
        {
            writer.Add(key);
        }

        SdbmCommitResult result = writer.Commit();
        if (result.Keys != keys.Length)
        {
            Assert.Fail(result.ToString());
        }
    }
}
