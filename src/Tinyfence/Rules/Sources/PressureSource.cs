using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// /proc/pressure/{cpu,memory,io} (PSI, Linux 4.20+): some and full, avg10/avg60/avg300, percent.
/// Absent on old kernels and unreadable (EOPNOTSUPP) when booted with psi=0: then unavailable.
/// </summary>
public sealed class PressureSource(int firstSlot, PressureResource resource)
    : MetricSource(firstSlot, 6, $"/proc/pressure/{resource.ToString().ToLowerInvariant()}")
{
    public PressureResource Resource { get; } = resource;

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = reader.ReadPressure(Resource, out Pressure pressure);
        if (!result.IsOk)
        {
            return result;
        }

        readings.Set(FirstSlot, pressure.SomeAvg10);
        readings.Set(FirstSlot + 1, pressure.SomeAvg60);
        readings.Set(FirstSlot + 2, pressure.SomeAvg300);
        if (pressure.HasFull)
        {
            readings.Set(FirstSlot + 3, pressure.FullAvg10);
            readings.Set(FirstSlot + 4, pressure.FullAvg60);
            readings.Set(FirstSlot + 5, pressure.FullAvg300);
        }
        else
        {
            // /proc/pressure/cpu has no "full" line before Linux 5.13.
            readings.SetUnavailable(FirstSlot + 3, 3);
        }

        return result;
    }
}
