using Tinyfence.Config;

namespace Tinyfence.Rules;

/// <summary>How one figure of a condition is shown in a firing line: <c>la1=12.50</c>, <c>memavail=8.2%</c>.</summary>
/// <param name="Name">UTF-8 of the metric's canonical spelling, encoded once at compile time.</param>
public sealed record ReadingDisplay(byte[] Name, int Slot, MetricUnit Unit, bool IsPercent);
