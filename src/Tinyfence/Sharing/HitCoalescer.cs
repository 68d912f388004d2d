using System.Numerics;
using Tinyfence.Table;

namespace Tinyfence.Sharing;

/// <summary>
/// Folds the hits of one script that an address took in the same second into one hit of their
/// summed points, so that spam, which comes from few addresses, costs one script argument per
/// address and second rather than one per request: less to format and send on the node, fewer
/// Redis calls in the script. The script's arithmetic is unchanged by it: it applies an address's
/// hits in order, and a hit at the time of the one before it adds its points without any decay
/// between them (the score was just decayed to within a period of that time), so the summed hit
/// leaves the same score, decayed-to time and expiry. A hit at another time starts a new one,
/// after the address's earlier ones, so their order stays.
/// </summary>
internal sealed class HitCoalescer
{
    // Probes per lookup at most, so that addresses crafted to collide cost a bounded time: an
    // address whose probes all find other addresses is not coalesced in this script (never
    // wrong, since a later hit of it cannot find an earlier one either: slots are only filled).
    private const int MaxProbe = 8;

    private const ulong GoldenRatio = 0x9E37_79B9_7F4A_7C15UL;

    private readonly QueuedHit[] _coalesced;

    // Per slot, 1 + the index in _coalesced of an address's latest hit; 0 for an empty slot. Twice
    // the hits a script holds, so probe runs stay short.
    private readonly int[] _slots;

    public HitCoalescer(int maxHits)
    {
        _coalesced = new QueuedHit[maxHits];
        _slots = new int[BitOperations.RoundUpToPowerOf2((uint)maxHits * 2)];
    }

    /// <summary>The hits of <paramref name="hits"/> (at most the capacity given), coalesced, in the order of their first hit; valid until the next call.</summary>
    public ReadOnlySpan<QueuedHit> Coalesce(ReadOnlySpan<QueuedHit> hits)
    {
        // Only as many slots as these hits need are cleared and used: a batch of a few hits costs a few.
        Span<int> slots = _slots.AsSpan(0, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(hits.Length, 1) * 2));
        slots.Clear();
        int mask = slots.Length - 1;
        int count = 0;
        foreach (QueuedHit hit in hits)
        {
            int slot = Home(hit.Key) & mask;
            for (int probe = 0; ; probe++)
            {
                int held = slots[slot];
                if (held != 0 && _coalesced[held - 1].Key == hit.Key)
                {
                    ref QueuedHit latest = ref _coalesced[held - 1];
                    if (latest.At == hit.At)
                    {
                        // The script caps a score at int.MaxValue: capping the sum first ends the same.
                        latest = latest with { Points = (int)Math.Min(int.MaxValue, (long)latest.Points + hit.Points) };
                    }
                    else
                    {
                        slots[slot] = count + 1;
                        _coalesced[count++] = hit;
                    }

                    break;
                }

                if (held == 0 || probe == MaxProbe - 1)
                {
                    if (held == 0)
                    {
                        slots[slot] = count + 1;
                    }

                    _coalesced[count++] = hit;
                    break;
                }

                slot = (slot + 1) & mask;
            }
        }

        return _coalesced.AsSpan(0, count);
    }

    private static int Home(IpKey key) => (int)((((key.Hi * GoldenRatio) ^ key.Lo) * GoldenRatio) >> 32);
}
