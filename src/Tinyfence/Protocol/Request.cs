using Tinyfence.Table;

namespace Tinyfence.Protocol;

/// <summary>
/// One parsed request line. <see cref="Table"/> points into the line it was parsed from, so a
/// request lives no longer than that line's buffer.
/// </summary>
public readonly ref struct Request
{
    public Verb Verb { get; init; }

    /// <summary>The table name as sent (valid syntax, not yet looked up); empty for PING, STATS, QUIET.</summary>
    public ReadOnlySpan<byte> Table { get; init; }

    /// <summary>The address of GET, HIT, SET, DEL and CHECK; <see cref="IpKey.IsEmpty"/> otherwise.</summary>
    public IpKey Key { get; init; }

    /// <summary>
    /// HIT's n (1 when left out), SET's n, TOP's k, each already checked against its range;
    /// 0 for the other verbs.
    /// </summary>
    public long Number { get; init; }

    /// <summary>Whether the line carried a number (false for a HIT without n, whose <see cref="Number"/> is 1).</summary>
    public bool HasNumber { get; init; }
}
