using Tinyfence.Logging;

namespace Tinyfence.Sharing;

/// <summary>
/// Whether a shared table reaches its Redis, as its two connections find it: the first failure is
/// logged once (the node goes on alone), the recovery once (with what was held and dropped),
/// nothing in between however often the reconnection is tried.
/// </summary>
internal sealed class ShareHealth(string table, string url, HitQueue queue, Logger log)
{
    private readonly Lock _lock = new();
    private bool _failing;

    public void Reached()
    {
        lock (_lock)
        {
            if (_failing)
            {
                log.Notice($"table \"{table}\": redis {url} is reachable again: sending the {queue.Count} hits held ({queue.Dropped} dropped so far because the backlog was full)");
            }
            _failing = false;
        }
    }

    public void Failed(Exception problem)
    {
        lock (_lock)
        {
            if (!_failing)
            {
                log.Warning($"table \"{table}\": redis {url} is out of reach ({problem.Message}): this node scores alone meanwhile, keeps up to {queue.Capacity} hits to send, and tries again");
            }

            _failing = true;
        }
    }
}
