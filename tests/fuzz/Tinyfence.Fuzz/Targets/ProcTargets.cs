using Tinyfence.Proc;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// The /proc parsers whose input is one small file: loadavg, meminfo, stat, pressure,
/// /proc/PID/stat and /proc/PID/status. A figure they return is finite and never negative.
/// </summary>
public static class ProcTargets
{
    public static void LoadAvg(ReadOnlySpan<byte> input)
    {
        if (LoadAvgParser.TryParse(input, out LoadAverage load))
        {
            CheckFigure(load.One);
            CheckFigure(load.Five);
            CheckFigure(load.Fifteen);
        }
    }

    public static void MemInfo(ReadOnlySpan<byte> input)
    {
        if (MemInfoParser.TryParse(input, out Proc.MemInfo memory))
        {
            InvariantViolationException.Check(
                memory.MemTotalKiB >= 0 && memory.MemFreeKiB >= 0 && memory.MemAvailableKiB >= 0 && memory.BuffersKiB >= 0
                && memory.CachedKiB >= 0 && memory.SwapTotalKiB >= 0 && memory.SwapFreeKiB >= 0,
                "meminfo figures are never negative");
        }
    }

    public static void CpuStat(ReadOnlySpan<byte> input) => _ = CpuStatParser.TryParse(input, out _);

    public static void Pressure(ReadOnlySpan<byte> input)
    {
        if (PressureParser.TryParse(input, out Proc.Pressure pressure))
        {
            CheckFigure(pressure.SomeAvg10);
            CheckFigure(pressure.SomeAvg60);
            CheckFigure(pressure.SomeAvg300);
            CheckFigure(pressure.FullAvg10);
            CheckFigure(pressure.FullAvg60);
            CheckFigure(pressure.FullAvg300);
        }
    }

    // Two readers of the same file: the state one (process counts) and the usage one (top lines)
    // must agree on the state whenever the usage one succeeds.
    public static void PidStat(ReadOnlySpan<byte> input)
    {
        bool hasState = PidStatParser.TryParseState(input, out byte state);
        if (PidStatUsageParser.TryParse(input, out _, out byte usageState, out _, out _, out _))
        {
            InvariantViolationException.Check(hasState && usageState == state, "/proc/PID/stat's two readers agree on the state");
        }
    }

    public static void PidStatus(ReadOnlySpan<byte> input)
    {
        bool both = PidStatusParser.TryParseUids(input, out uint real, out uint effective);
        bool hasReal = PidStatusParser.TryParseRealUid(input, out uint realAlone);
        bool hasEffective = PidStatusParser.TryParseEffectiveUid(input, out uint effectiveAlone);
        InvariantViolationException.Check(both == hasReal && both == hasEffective, "the uid readers of /proc/PID/status succeed together");
        InvariantViolationException.Check(!both || (real == realAlone && effective == effectiveAlone), "the uid readers of /proc/PID/status agree");
    }

    private static void CheckFigure(double figure) =>
        InvariantViolationException.Check(double.IsFinite(figure) && figure >= 0, "a /proc figure is finite and not negative");
}
