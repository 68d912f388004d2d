using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// /proc/net/tcp and tcp6: established connections per local port, all ports of the config in one
/// pass (the files hold one line per socket and run to megabytes on a busy web server).
/// </summary>
public sealed class TcpSource : MetricSource
{
    private readonly ushort[] _ports;
    private readonly int[] _counts;

    public TcpSource(int firstSlot, ushort[] ports)
        : base(firstSlot, ports.Length, "/proc/net/tcp")
    {
        _ports = ports;
        _counts = new int[ports.Length];
    }

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = reader.CountEstablished(_ports, _counts);
        if (result.IsOk)
        {
            for (int i = 0; i < _counts.Length; i++)
            {
                readings.Set(FirstSlot + i, _counts[i]);
            }
        }

        return result;
    }
}
