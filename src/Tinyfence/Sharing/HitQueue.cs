using System.Numerics;
using Tinyfence.Table;

namespace Tinyfence.Sharing;

/// <summary>
/// The hits a node took and has not yet had applied by Redis: a ring of fixed size, filled on the
/// request threads (a short lock, no allocation), emptied by the sender. Full (Redis away too
/// long), it drops its oldest hit and counts it: the newest hits matter most to a block.
/// The sender copies hits out without removing them and removes them once Redis applied them, so
/// a batch lost with its connection is sent again.
/// </summary>
internal sealed class HitQueue : IDisposable
{
    private readonly Lock _lock = new();
    private readonly QueuedHit[] _ring;

    // A power of two less one: a hit's slot is its sequence number masked, no division on the request's path.
    private readonly int _mask;

    // Sequence numbers of the oldest hit held and of the next one to come; the slot of a hit is its number modulo the capacity.
    private long _head;
    private long _tail;
    private long _dropped;

    // The sender waits on it in an empty queue, and the hit that comes sets it: idle, the sender
    // sleeps instead of waking every interval to find nothing; busy, a hit costs no more than a
    // look at _senderWaits, which only the first hit after a quiet spell finds true.
    private readonly ManualResetEventSlim _hitCame = new(false, spinCount: 0);
    private bool _senderWaits;

    /// <param name="capacity">A power of two.</param>
    public HitQueue(int capacity)
    {
        if (!BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "the hit queue's capacity must be a power of two");
        }

        _ring = new QueuedHit[capacity];
        _mask = capacity - 1;
    }

    public int Capacity => _ring.Length;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return (int)(_tail - _head);
            }
        }
    }

    /// <summary>Hits dropped, oldest first, because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(IpKey key, int points, uint at)
    {
        bool wake;
        lock (_lock)
        {
            if (_tail - _head == _ring.Length)
            {
                _head++;
                _dropped++;
            }

            _ring[_tail & _mask] = new QueuedHit(key, points, at);
            _tail++;
            wake = _senderWaits;
            _senderWaits = false;
        }

        // Once per quiet spell: the sender's thread goes on, this request's thread does not wait for it.
        if (wake)
        {
            _hitCame.Set();
        }
    }

    /// <summary>Returns when the queue holds a hit: at once when it does, else when one is added; throws when <paramref name="cancel"/> is.</summary>
    public void WaitUntilNotEmpty(CancellationToken cancel)
    {
        lock (_lock)
        {
            if (_tail != _head)
            {
                return;
            }

            _hitCame.Reset();
            _senderWaits = true;
        }

        _hitCame.Wait(cancel);
    }

    /// <summary>Copies the oldest hits into <paramref name="batch"/>; returns how many, and the sequence number of the first.</summary>
    public int Peek(Span<QueuedHit> batch, out long first)
    {
        lock (_lock)
        {
            first = _head;
            int count = (int)Math.Min(batch.Length, _tail - _head);
            for (int i = 0; i < count; i++)
            {
                batch[i] = _ring[(_head + i) & _mask];
            }

            return count;
        }
    }

    /// <summary>Removes the hits before sequence number <paramref name="end"/> (Redis applied them); those already dropped are not counted twice.</summary>
    public void RemoveBefore(long end)
    {
        lock (_lock)
        {
            _head = Math.Max(_head, Math.Min(end, _tail));
        }
    }

    public void Dispose() => _hitCame.Dispose();
}
