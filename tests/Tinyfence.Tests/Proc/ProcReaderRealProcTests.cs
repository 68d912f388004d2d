using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

/// <summary>Sanity checks against the /proc of the machine running the tests.</summary>
public class ProcReaderRealProcTests
{
    [Fact]
    public void ReadsPlausibleFiguresFromThisMachine()
    {
        using var reader = new ProcReader();

        Assert.Equal(ReadResult.Ok, reader.ReadMemInfo(out MemInfo m));
        Assert.True(m.MemTotalKiB > 0);
        Assert.True(m.MemFreeKiB <= m.MemTotalKiB);
        Assert.True(m.SwapFreeKiB <= m.SwapTotalKiB);

        Assert.Equal(ReadResult.Ok, reader.ReadLoadAverage(out LoadAverage la));
        Assert.True(la.One >= 0 && la.Five >= 0 && la.Fifteen >= 0);

        Assert.Equal(ReadResult.Ok, reader.ReadCpuTimes(out CpuTimes cpu));
        Assert.True(cpu.Total > 0);
        Assert.True(cpu.Busy <= cpu.Total);
    }

    [Fact]
    public void CountsProcessesIncludingThisOne()
    {
        using var reader = new ProcReader();
        var mine = new ProcessFilter([GetEffectiveUid()], ProcessStates.Any);
        var active = new ProcessFilter([], ProcessStates.Running | ProcessStates.Sleeping);

        // Other jobs start and end processes between two counts: the filtered counts are taken
        // again until they fall between two equal totals and within them, which a machine busy
        // starting processes may need a few tries to give (a filter that overcounts never does).
        int all = 0;
        int owned = 0;
        int running = 0;
        int before = -1;
        for (int attempt = 0; attempt < 100 && (before != all || owned > all || running > all); attempt++)
        {
            Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out before));
            Assert.Equal(ReadResult.Ok, reader.CountProcesses(mine, out owned));
            Assert.Equal(ReadResult.Ok, reader.CountProcesses(active, out running));
            Assert.Equal(ReadResult.Ok, reader.CountProcesses(ProcessFilter.All, out all));
        }

        Assert.True(all > 0);
        Assert.InRange(owned, 1, all);

        // A running test has at least one runnable or sleeping process: itself.
        Assert.InRange(running, 1, all);
    }

    [Fact]
    public void PressureIsReadOrReportedAsAbsent()
    {
        using var reader = new ProcReader();
        foreach (PressureResource resource in Enum.GetValues<PressureResource>())
        {
            ReadResult result = reader.ReadPressure(resource, out Pressure p);
            Assert.True(result.Status is ReadStatus.Ok or ReadStatus.Missing or ReadStatus.Unsupported, result.Describe());
            if (result.IsOk)
            {
                Assert.InRange(p.SomeAvg10, 0, 100);
            }
        }
    }

    [Fact]
    public void CountsEstablishedConnectionsOrReportsTheTablesMissing()
    {
        using var reader = new ProcReader();
        int[] counts = new int[1];
        ReadResult result = reader.CountEstablished([22], counts);
        Assert.True(result.Status is ReadStatus.Ok or ReadStatus.Missing, result.Describe());
        Assert.True(counts[0] >= 0);
    }

    [Fact]
    public void CountsLiveLoopbackConnectionsAcrossManyKernelPages()
    {
        // 300 connections make the accepted (server) side alone about 45 KB of /proc/net/tcp:
        // a dozen seq_file pages. The client ends have ephemeral local ports and must not count.
        const int Connections = 300;
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start(Connections);
        ushort port = (ushort)((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var sockets = new List<IDisposable>();
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                var client = new System.Net.Sockets.TcpClient();
                sockets.Add(client);
                client.Connect(System.Net.IPAddress.Loopback, port);
                sockets.Add(listener.AcceptSocket());
            }

            using var reader = new ProcReader();
            int[] counts = new int[1];
            Assert.Equal(ReadResult.Ok, reader.CountEstablished([port], counts));

            // Another process's socket may use the same local port number on another address:
            // compare with a slow reference read of the same files, which must see ours too.
            int reference = ReferenceEstablishedCount(port);
            Assert.True(reference >= Connections, $"the reference counts {reference}");
            Assert.Equal(reference, counts[0]);
        }
        finally
        {
            sockets.ForEach(static s => s.Dispose());
        }
    }

    private static int ReferenceEstablishedCount(ushort port)
    {
        string hexPort = ":" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        int count = 0;
        foreach (string file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (string line in File.ReadAllLines(file).Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[1].EndsWith(hexPort, StringComparison.Ordinal) && fields[3] == "01")
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static uint GetEffectiveUid()
    {
        Assert.True(PidStatusParser.TryParseEffectiveUid(File.ReadAllBytes("/proc/self/status"), out uint uid));
        return uid;
    }
}
