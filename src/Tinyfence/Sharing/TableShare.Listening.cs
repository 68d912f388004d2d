using System.Buffers;
using System.Text;

namespace Tinyfence.Sharing;

internal sealed partial class TableShare
{
    private void ListenLoop()
    {
        int retryMs = FirstRetryMs;
        var announcements = new Announcements(this);
        while (!_stop.IsCancellationRequested)
        {
            bool connected = false;
            try
            {
                using RespConnection redis = Connect(out CancellationTokenRegistration abortAtStop);
                using (abortAtStop)
                {
                    RespWriter.Command(redis.Output, 2);
                    RespWriter.Bulk(redis.Output, "SUBSCRIBE"u8);
                    RespWriter.Bulk(redis.Output, _blockedKey);
                    redis.Flush();
                    redis.ReadReply(SkipReply.Instance);

                    // Subscribed first, loaded second: a block announced in between is in both, and adopting is idempotent.
                    int loaded = LoadBlocks();
                    // Announcements come when they come: no timeout while listening.
                    redis.TimeoutMs = 0;
                    _health.Reached();
                    connected = true;
                    _log.Info($"table \"{_table.Spec.Name}\": sharing scores through redis {Section.Url}, listening for blocks; {loaded} blocked addresses adopted from it");

                    retryMs = FirstRetryMs;
                    while (true)
                    {
                        redis.ReadReply(announcements);
                    }
                }
            }
            catch (Exception e) when (EndsTheConnection(e))
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                retryMs = PauseAfter(e, retryMs, connected);
            }
        }
    }

    /// <summary>Adopts the blocks in force now, from a connection of its own (the listening one may only listen); returns how many were adopted.</summary>
    private int LoadBlocks()
    {
        using RespConnection redis = Connect(out CancellationTokenRegistration abortAtStop);
        using (abortAtStop)
        {
            RespWriter.Command(redis.Output, 8);
            RespWriter.Bulk(redis.Output, "EVAL"u8);
            RespWriter.Bulk(redis.Output, ShareScript.Source);
            RespWriter.Bulk(redis.Output, 2);
            RespWriter.Bulk(redis.Output, _scorePrefix);
            RespWriter.Bulk(redis.Output, _blockedKey);
            RespWriter.Bulk(redis.Output, "load"u8);
            RespWriter.Bulk(redis.Output, _table.Now);
            RespWriter.Bulk(redis.Output, _table.Spec.Capacity);
            var blocks = new BlockList(this);
            redis.Flush();
            redis.ReadReply(blocks);
            return blocks.Adopted;
        }
    }

    /// <summary>The blocks in force, as the script's <c>load</c> lists them.</summary>
    private sealed class BlockList(TableShare share) : IRespReplyHandler
    {
        public int Adopted { get; private set; }

        public void Read(ref RespReader reply)
        {
            if (reply.Read(out long count, out _) != RespKind.Array)
            {
                throw new RespProtocolException("the load script did not answer a list");
            }

            for (long i = 0; i < count; i++)
            {
                if (reply.Read(out _, out ReadOnlySequence<byte> line) == RespKind.BulkString && share.AdoptBlock(line, out _))
                {
                    Adopted++;
                }
            }
        }
    }

    /// <summary>What the listening connection receives: <c>message CHANNEL PAYLOAD</c> arrays, each a block to adopt.</summary>
    private sealed class Announcements(TableShare share) : IRespReplyHandler
    {
        public void Read(ref RespReader reply)
        {
            if (reply.Read(out long count, out _) != RespKind.Array || count != 3)
            {
                return;
            }

            reply.Read(out _, out ReadOnlySequence<byte> kind);
            reply.Read(out _, out _);
            // Only news is logged: spam renews its block with nearly every batch, and each renewal comes to every node.
            if (reply.Read(out _, out ReadOnlySequence<byte> payload) == RespKind.BulkString && kind.FirstSpan.SequenceEqual("message"u8)
                && share.AdoptBlock(payload, out bool newlyBlocked) && newlyBlocked)
            {
                share._log.Info($"table \"{share._table.Spec.Name}\": blocked by another node: {Encoding.ASCII.GetString(payload)} (address, score, decayed to)");
            }
        }
    }
}
