namespace Tinyfence.Status;

/// <summary>One figure a rule's conditions read, as the last check that read it found it.</summary>
public sealed class ReadingStatus(string name, string unit)
{
    /// <summary>The metric as the config spells it canonically: <c>la1</c>, <c>memfree</c>.</summary>
    public string Name { get; } = name;

    /// <summary>One of <see cref="ReadingUnits"/>: load, bytes, percent, count.</summary>
    public string Unit { get; } = unit;

    /// <summary>Null when the figure could not be read (a file missing on this kernel).</summary>
    public double? Value { get; set; }
}
