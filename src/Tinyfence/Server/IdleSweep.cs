namespace Tinyfence.Server;

/// <summary>
/// The idle-timeout sweep both listeners run (the line protocol's and the HTTP endpoint's): the
/// connections of a slot table that made no progress for the timeout, gathered under the owner's
/// lock into a preallocated scratch array, so the owner closes them outside it (closing a socket
/// may run a connection's last steps on the sweeping thread). Allocates nothing.
/// </summary>
internal static class IdleSweep
{
    /// <summary>Fills <paramref name="scratch"/> with the idle connections of <paramref name="slots"/>; returns how many.</summary>
    public static int Collect<T>(T?[] slots, T[] scratch, Lock gate, TimeSpan idleTimeout)
        where T : class, IIdleTracked
    {
        long now = Environment.TickCount64;
        long idleMs = (long)idleTimeout.TotalMilliseconds;
        int count = 0;
        lock (gate)
        {
            foreach (T? connection in slots)
            {
                if (connection is not null && now - connection.LastActivityMs >= idleMs)
                {
                    scratch[count++] = connection;
                }
            }
        }

        return count;
    }
}
