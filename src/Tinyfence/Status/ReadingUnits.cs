using Tinyfence.Config;

namespace Tinyfence.Status;

/// <summary>The unit of a reading's value, as the status spells it.</summary>
public static class ReadingUnits
{
    public const string Load = "load";
    public const string Bytes = "bytes";
    public const string Percent = "percent";
    public const string Count = "count";

    /// <summary>A reading shown as a percentage of a total is a percentage, whatever the metric counts.</summary>
    public static string Of(MetricUnit unit, bool isPercent) => isPercent ? Percent : unit switch
    {
        MetricUnit.Load => Load,
        MetricUnit.Bytes => Bytes,
        MetricUnit.Percent => Percent,
        _ => Count,
    };
}
