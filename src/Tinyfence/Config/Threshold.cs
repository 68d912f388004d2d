namespace Tinyfence.Config;

/// <summary>A threshold as written: its value in the metric's base unit (bytes, percent, load, count).</summary>
/// <param name="IsPercent">The value is a percentage of the total (memory, swap, space).</param>
/// <param name="Written">The literal as the user wrote it, kept for messages and <c>check</c> output.</param>
public readonly record struct Threshold(double Value, bool IsPercent, string Written);
