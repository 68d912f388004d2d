using System.Buffers;
using System.Text;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Protocol;
using Tinyfence.Sharing;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Sharing;

/// <summary>
/// The bounded queue between the request threads and the sender: what a request pays for a
/// shared table (nothing allocated), what a full queue drops, and what a failed send keeps.
/// </summary>
public sealed class HitQueueTests
{
    [Fact]
    public void AHitRequestOnASharedTableAllocatesNothingAndIsQueuedForRedis()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(new TableSpec("spam", 1000, 3, 86400, 15, 64));
        ShareSection section = ShareSection.TryParseUrl("redis://127.0.0.1:1", out _)!;
        // Not started: the queue fills as under a Redis that is away, which is the request path's worst case.
        var share = new TableShare(section, table, new Logger(new MemorySink()));
        share.MoveTo(table);
        var dispatcher = new RequestDispatcher();
        dispatcher.UseTables([table]);
        var reply = new ArrayBufferWriter<byte>(256);
        var session = new SessionState();
        byte[][] requests = [Encoding.ASCII.GetBytes("HIT spam 192.0.2.1"), Encoding.ASCII.GetBytes("HIT spam 2001:db8::5 3")];

        for (uint i = 0; i <= TableShare.BacklogHits; i++)
        {
            table.Hit(Keys.V4(i), 1, 1000);
        }

        long allocated = Allocations.OfRounds(() =>
        {
            foreach (byte[] request in requests)
            {
                reply.ResetWrittenCount();
                dispatcher.Handle(request, reply, ref session);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(TableShare.BacklogHits, share.Backlog);
        Assert.True(share.Dropped > 0);
    }

    [Fact]
    public void AFullQueueDropsItsOldestHitsAndCountsThem()
    {
        using var queue = new HitQueue(4);
        for (uint i = 1; i <= 6; i++)
        {
            queue.Add(Keys.V4(i), (int)i, 1000 + i);
        }

        var batch = new QueuedHit[8];
        Assert.Equal(4, queue.Peek(batch, out long first));
        Assert.Equal(2, first);
        Assert.Equal(2, queue.Dropped);
        Assert.Equal([3, 4, 5, 6], batch[..4].Select(h => h.Points));
        Assert.Equal(Keys.V4(3), batch[0].Key);
        Assert.Equal(1003u, batch[0].At);
    }

    [Fact]
    public void HitsStayQueuedUntilRemovedAndHitsDroppedMeanwhileAreNotRemovedTwice()
    {
        using var queue = new HitQueue(4);
        for (uint i = 1; i <= 3; i++)
        {
            queue.Add(Keys.V4(i), 1, i);
        }

        var batch = new QueuedHit[2];
        Assert.Equal(2, queue.Peek(batch, out long first));
        // A batch sent and lost with its connection: not removed, so peeked again.
        Assert.Equal(2, queue.Peek(batch, out long again));
        Assert.Equal(first, again);

        // Three more while the batch is out: the queue (4) drops hit 1 and 2, which the batch held.
        for (uint i = 4; i <= 6; i++)
        {
            queue.Add(Keys.V4(i), 1, i);
        }

        queue.RemoveBefore(first + 2);
        Assert.Equal(4, queue.Count);
        queue.RemoveBefore(first + 4);
        Assert.Equal(2, queue.Count);
        Assert.Equal(2, queue.Peek(batch, out _));
        Assert.Equal([5u, 6u], batch.Select(h => h.At));
    }

    [Fact]
    public async Task AnEmptyQueueWakesItsSenderWithTheFirstHitAndAQueueHoldingHitsAtOnce()
    {
        using var queue = new HitQueue(4);
        Task waiting = Task.Factory.StartNew(() => queue.WaitUntilNotEmpty(CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.False(waiting.IsCompleted);

        queue.Add(Keys.V4(1), 1, 1000);

        await waiting.WaitAsync(Patience.Short);
        queue.WaitUntilNotEmpty(new CancellationToken(canceled: true));
    }

    [Fact]
    public void AStopEndsTheWaitOfAnEmptyQueue()
    {
        using var queue = new HitQueue(4);
        Assert.Throws<OperationCanceledException>(() => queue.WaitUntilNotEmpty(new CancellationToken(canceled: true)));
    }
}
