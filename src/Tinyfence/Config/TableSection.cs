namespace Tinyfence.Config;

/// <summary>A score table: <c>table "name" { capacity N decay N per D block above N ... }</c>.</summary>
public sealed record TableSection(SourceLocation Location, string Name)
{
    public const int DefaultCapacity = 65536;

    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>Points taken off per <see cref="DecayPeriod"/>; 0: scores never decay.</summary>
    public int DecayPoints { get; init; }

    public TimeSpan DecayPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>An address is blocked while its score is greater than this.</summary>
    public int BlockAbove { get; init; }

    /// <summary>IPv6 clients are scored per prefix of this many bits (128: per address).</summary>
    public int IPv6PrefixBits { get; init; } = 128;

    /// <summary>How often the table is saved to the state directory; null: never (it starts empty).</summary>
    public TimeSpan? SnapshotEvery { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The shortest time between two rewrites of the blocklist map; null: no blocklist.</summary>
    public TimeSpan? BlocklistEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The Redis this table's scores are shared through with other nodes; null: not shared.</summary>
    public ShareSection? Share { get; init; }

    /// <summary>The kernel set of blocked addresses and its rule; null: none.</summary>
    public FirewallOptions? Firewall { get; init; }
}
