namespace Tinyfence.Config;

/// <summary>How a metric's figures are written and what thresholds it accepts.</summary>
public enum MetricUnit
{
    /// <summary>Load averages: decimals.</summary>
    Load,

    /// <summary>Bytes; thresholds take sysfence's size suffixes or a percentage of the total.</summary>
    Bytes,

    /// <summary>Percentages (CPU, pressure): '%' optional in the threshold.</summary>
    Percent,

    /// <summary>Counts: integers.</summary>
    Count,
}
