namespace Tinyfence.Status;

/// <summary>One score table, as its last upkeep sweep counted it.</summary>
public sealed class TableStatus(string name)
{
    public string Name { get; } = name;

    public int Entries { get; set; }

    public int Capacity { get; set; }

    public int Blocked { get; set; }

    public long Evictions { get; set; }

    /// <summary>HIT requests since the daemon started.</summary>
    public long Hits { get; set; }

    /// <summary>When this daemon last saved the table's snapshot; null before the first save.</summary>
    public DateTime? LastSnapshot { get; set; }
}
