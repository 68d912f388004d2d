using System.Diagnostics;

namespace Tinyfence.Testing;

/// <summary>
/// Waiting for a line that another thread adds to a list under a lock, pulsing the lock's object
/// as it does (<see cref="Monitor.PulseAll"/>). The timeout is a hang guard, not a measurement.
/// </summary>
internal static class GatedLines
{
    /// <summary>
    /// The index of the first line of <paramref name="lines"/> after the first <paramref name="skip"/>
    /// that matches; -1 if none has come within <paramref name="timeout"/> or once <paramref name="gaveUp"/> says so.
    /// </summary>
    public static int WaitFor(object gate, List<string> lines, Func<string, bool> match, int skip, TimeSpan timeout, Func<bool> gaveUp)
    {
        var elapsed = Stopwatch.StartNew();
        lock (gate)
        {
            int next = skip;
            while (true)
            {
                for (; next < lines.Count; next++)
                {
                    if (match(lines[next]))
                    {
                        return next;
                    }
                }

                TimeSpan left = timeout - elapsed.Elapsed;
                if (left <= TimeSpan.Zero || gaveUp())
                {
                    return -1;
                }

                Monitor.Wait(gate, TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 200)));
            }
        }
    }
}
