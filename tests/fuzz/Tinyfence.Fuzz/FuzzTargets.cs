using Tinyfence.Fuzz.Targets;

namespace Tinyfence.Fuzz;

/// <summary>
/// Every parser that takes outside input, once: afl-fuzz runs these (make fuzz) and the unit
/// tests' mutation pass runs the same code on mutated seeds.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("config", ConfigTarget.Run),
        new("protocol", ProtocolTarget.Run),
        new("loadavg", ProcTargets.LoadAvg),
        new("meminfo", ProcTargets.MemInfo),
        new("stat", ProcTargets.CpuStat),
        new("pid-stat", ProcTargets.PidStat),
        new("pid-status", ProcTargets.PidStatus),
        new("net-tcp", TcpTableTarget.Run),
        new("pressure", ProcTargets.Pressure),
        new("snapshot", SnapshotTarget.Run),
        new("access-log", AccessLogTarget.Run),
        new("alert-mail", AlertMailTarget.Run),
    ];

    public static FuzzTarget? Find(string name)
    {
        foreach (FuzzTarget target in All)
        {
            if (target.Name == name)
            {
                return target;
            }
        }

        return null;
    }
}
