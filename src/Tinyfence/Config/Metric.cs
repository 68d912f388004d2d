using Tinyfence.Proc;

namespace Tinyfence.Config;

/// <summary>
/// A resource as written in a condition, with its arguments: the path of a space metric, the
/// filter of nproc, the pressure file and line, the port of tcp. Equal metrics share one reading.
/// </summary>
public sealed record Metric(MetricKind Kind)
{
    /// <summary>The path of a space metric, the table name of a table metric.</summary>
    public string? Path { get; init; }

    public IReadOnlyList<ProcessUser> Users { get; init; } = [];

    public ProcessStates States { get; init; } = ProcessStates.Any;

    public PressureResource PressureResource { get; init; }

    public PressureKind PressureKind { get; init; }

    public PressureWindow PressureWindow { get; init; }

    public ushort Port { get; init; }

    public MetricUnit Unit => Kind switch
    {
        MetricKind.Load1 or MetricKind.Load5 or MetricKind.Load15 => MetricUnit.Load,
        MetricKind.MemFree or MetricKind.MemUsed or MetricKind.MemAvail or MetricKind.SwapFree or MetricKind.SwapUsed
            or MetricKind.SpaceFree or MetricKind.SpaceAvail or MetricKind.SpaceUsed => MetricUnit.Bytes,
        MetricKind.CpuBusy or MetricKind.CpuIoWait or MetricKind.Pressure => MetricUnit.Percent,
        _ => MetricUnit.Count,
    };

    public bool Equals(Metric? other) =>
        other is not null && Kind == other.Kind && Path == other.Path && States == other.States
        && PressureResource == other.PressureResource && PressureKind == other.PressureKind
        && PressureWindow == other.PressureWindow && Port == other.Port && Users.SequenceEqual(other.Users);

    public override int GetHashCode() => HashCode.Combine(Kind, Path, States, PressureResource, PressureKind, PressureWindow, Port, Users.Count);

    /// <summary>The metric in Tinyfence's canonical spelling, as <c>check</c> prints it.</summary>
    public override string ToString() => MetricSyntax.Format(this);
}
