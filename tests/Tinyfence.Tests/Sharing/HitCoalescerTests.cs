using Tinyfence.Config;
using Tinyfence.Sharing;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Sharing;

/// <summary>
/// What a script is sent: an address's hits of one second as one hit, the order of its hits at
/// other times kept, and Redis left exactly as by the hits one by one.
/// </summary>
public sealed class HitCoalescerTests
{
    private static readonly IpKey A = Keys.V4(192, 0, 2, 1);
    private static readonly IpKey B = Keys.V4(192, 0, 2, 2);

    [Fact]
    public void HitsOfOneAddressInOneSecondBecomeOneHitOfTheirSummedPointsAndHitsAtOtherTimesStayApartInOrder()
    {
        var coalescer = new HitCoalescer(16);
        // The clock stepping back a second (an NTP correction) makes a new hit too: it is scored after the one before it.
        QueuedHit[] hits = [new(A, 1, 1000), new(B, 2, 1000), new(A, 3, 1000), new(A, 1, 1001), new(B, 5, 1000), new(A, 2, 1000), new(A, 4, 1000)];

        QueuedHit[] sent = coalescer.Coalesce(hits).ToArray();

        Assert.Equal([new(A, 4, 1000), new(B, 7, 1000), new(A, 1, 1001), new(A, 6, 1000)], sent);
    }

    [Fact]
    public void SummedPointsStopAtTheLargestScore()
    {
        var coalescer = new HitCoalescer(4);

        QueuedHit[] sent = coalescer.Coalesce([new(A, int.MaxValue - 1, 7), new(A, 5, 7)]).ToArray();

        Assert.Equal([new(A, int.MaxValue, 7)], sent);
    }

    [Fact]
    public void ManyAddressesKeepEachAddresssHitsPerSecondAndTheirOrder()
    {
        // 1,000 hits over 300 addresses and three seconds: crowded slots, long probe runs.
        var random = new Random(17);
        QueuedHit[] hits = Enumerable.Range(0, 1000)
            .Select(_ => new QueuedHit(Keys.V4((uint)random.Next(300)), random.Next(1, 4), (uint)(1000 + random.Next(3))))
            .ToArray();
        var coalescer = new HitCoalescer(1000);

        QueuedHit[] sent = coalescer.Coalesce(hits).ToArray();

        Assert.True(sent.Length < hits.Length);
        foreach (IGrouping<IpKey, QueuedHit> address in hits.GroupBy(hit => hit.Key))
        {
            Assert.Equal(Runs(address), Runs(sent.Where(hit => hit.Key == address.Key)));
        }
    }

    [Fact]
    public void CoalescingAndWritingAScriptsHitsAllocatesNothing()
    {
        QueuedHit[] hits = Enumerable.Range(0, 1000).Select(i => new QueuedHit(Keys.V4((uint)(i % 50)), 1, (uint)(1000 + (i / 400)))).ToArray();
        hits[3] = new QueuedHit(Keys.V6(0x2001_0db8_0000_0000UL, 5), 3, 1000);
        var coalescer = new HitCoalescer(1000);
        var arguments = new HitArguments();
        byte[] destination = new byte[hits.Length * HitArguments.MaxLength];

        long allocated = Allocations.OfRounds(() => arguments.Write(destination, coalescer.Coalesce(hits)), rounds: 100);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void CoalescedHitsLeaveRedisWithTheScoresDecayTimesExpiriesAndBlocksOfTheHitsOneByOne()
    {
        using var redis = new RedisServer();
        // Four addresses, hits mostly in the same second, now and then a second, half a day or a
        // day later (decay steps between them) or a second back; times ahead of Redis's clock, so
        // that nothing has expired when it is compared.
        var random = new Random(7);
        IpKey[] addresses = [A, B, Keys.V4(203, 0, 113, 9), Keys.V6(0x2001_0db8_0000_0000UL, 0x10)];
        uint at = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000;
        var hits = new QueuedHit[600];
        for (int i = 0; i < hits.Length; i++)
        {
            at += random.Next(40) switch
            {
                0 => 1,
                1 => 43200,
                2 => 86400,
                3 => unchecked((uint)-1),
                _ => 0,
            };
            hits[i] = new QueuedHit(addresses[random.Next(addresses.Length)], random.Next(1, 5), at);
        }

        ShareSection share = ShareSection.TryParseUrl(redis.Url, out _)!;
        using RespConnection connection = RespConnection.Open(share, null, (int)Patience.Short.TotalMilliseconds, CancellationToken.None);
        RunScript(connection, "one-by-one:", hits);
        QueuedHit[] coalesced = new HitCoalescer(hits.Length).Coalesce(hits).ToArray();
        Assert.True(coalesced.Length < hits.Length / 2, $"{coalesced.Length} of {hits.Length} hits left");
        RunScript(connection, "coalesced:", coalesced);

        foreach (IpKey address in addresses)
        {
            string text = address.ToString();
            Assert.NotEqual("", redis.Cli("HGET", "one-by-one:" + text, "s"));
            foreach (string field in new[] { "s", "d" })
            {
                Assert.Equal(redis.Cli("HGET", "one-by-one:" + text, field), redis.Cli("HGET", "coalesced:" + text, field));
            }

            Assert.Equal(redis.Cli("EXPIRETIME", "one-by-one:" + text), redis.Cli("EXPIRETIME", "coalesced:" + text));
            Assert.Equal(redis.Cli("ZSCORE", "one-by-one:blocked", text), redis.Cli("ZSCORE", "coalesced:blocked", text));
        }
    }

    /// <summary>An address's hits as (time, points) with the hits of each run of one second summed.</summary>
    private static List<(uint At, long Points)> Runs(IEnumerable<QueuedHit> hits)
    {
        var runs = new List<(uint At, long Points)>();
        foreach (QueuedHit hit in hits)
        {
            if (runs.Count > 0 && runs[^1].At == hit.At)
            {
                runs[^1] = (hit.At, runs[^1].Points + hit.Points);
            }
            else
            {
                runs.Add((hit.At, hit.Points));
            }
        }

        return runs;
    }

    // The script as a node runs it, for table "spam" (decay 3 per 1d, block above 15), its hits written as a node writes them.
    private static void RunScript(RespConnection redis, string prefix, QueuedHit[] hits)
    {
        RespWriter.Command(redis.Output, 10 + (3 * hits.Length));
        RespWriter.Bulk(redis.Output, "EVAL"u8);
        RespWriter.Bulk(redis.Output, ShareScript.Source);
        RespWriter.Bulk(redis.Output, 2);
        RespWriter.Bulk(redis.Output, prefix);
        RespWriter.Bulk(redis.Output, prefix + "blocked");
        RespWriter.Bulk(redis.Output, "hit"u8);
        RespWriter.Bulk(redis.Output, 3);
        RespWriter.Bulk(redis.Output, 86400);
        RespWriter.Bulk(redis.Output, 15);
        RespWriter.Bulk(redis.Output, prefix + "blocked");
        Span<byte> span = redis.Output.GetSpan(hits.Length * HitArguments.MaxLength);
        redis.Output.Advance(new HitArguments().Write(span, hits));
        redis.Flush();
        redis.ReadReply(SkipReply.Instance);
    }
}
