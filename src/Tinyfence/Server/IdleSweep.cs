namespace Tinyfence.Server;

/// <summary>
/// The idle-timeout sweep both event loops run (the line protocol's and the HTTP endpoint's): the
/// connections of a slot table that made no progress for the timeout, gathered into a
/// preallocated scratch array, so the loop closes them (and empties their slots) after the scan.
/// Allocates nothing.
/// </summary>
internal static class IdleSweep
{
    /// <summary>Fills <paramref name="scratch"/> with the idle connections of <paramref name="slots"/>; returns how many.</summary>
    public static int Collect<T>(T?[] slots, T[] scratch, TimeSpan idleTimeout)
        where T : class, IIdleTracked
    {
        long now = Environment.TickCount64;
        long idleMs = (long)idleTimeout.TotalMilliseconds;
        int count = 0;
        foreach (T? connection in slots)
        {
            if (connection is not null && now - connection.LastActivityMs >= idleMs)
            {
                scratch[count++] = connection;
            }
        }

        return count;
    }
}
