using System.Buffers;
using System.IO.Pipelines;
using Tinyfence.Table;

namespace Tinyfence.Sharing;

internal sealed partial class TableShare
{
    private readonly ScriptHash _scriptHash = new();

    private async Task SendLoopAsync()
    {
        int retryMs = FirstRetryMs;
        while (!_stop.IsCancellationRequested)
        {
            bool connected = false;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(ReplyTimeoutMs);
                await using RespConnection redis = await ConnectAsync(timeout.Token).ConfigureAwait(false);
                await LoadScriptAsync(redis, timeout.Token).ConfigureAwait(false);
                timeout.CancelAfter(Timeout.Infinite);
                _health.Reached();
                connected = true;
                retryMs = FirstRetryMs;
                while (true)
                {
                    await Task.Delay(SendIntervalMs, _stop.Token).ConfigureAwait(false);
                    await SendQueuedAsync(redis, timeout).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsConnectionProblem(e) && !_stop.IsCancellationRequested)
            {
                retryMs = await PauseAfterAsync(e, retryMs, connected).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async ValueTask LoadScriptAsync(RespConnection redis, CancellationToken cancel)
    {
        RespWriter.Command(redis.Output, 3);
        RespWriter.Bulk(redis.Output, "SCRIPT"u8);
        RespWriter.Bulk(redis.Output, "LOAD"u8);
        RespWriter.Bulk(redis.Output, ShareScript.Source);
        await redis.FlushAsync(cancel).ConfigureAwait(false);
        await redis.ReadReplyAsync(_scriptHash, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends what is queued, a round of pipelined scripts at a time, until the queue is empty (a
    /// backlog catching up); each round must be answered within <see cref="ReplyTimeoutMs"/>.
    /// </summary>
    private async ValueTask SendQueuedAsync(RespConnection redis, CancellationTokenSource timeout)
    {
        CancellationToken cancel = timeout.Token;
        while (true)
        {
            int count = _queue.Peek(_batch, out long first);
            if (count == 0)
            {
                timeout.CancelAfter(Timeout.Infinite);
                return;
            }

            timeout.CancelAfter(ReplyTimeoutMs);

            int scripts = (count + HitsPerScript - 1) / HitsPerScript;
            for (int i = 0; i < scripts; i++)
            {
                WriteHits(redis.Output, _batch.AsSpan(i * HitsPerScript, Math.Min(HitsPerScript, count - (i * HitsPerScript))));
            }

            await redis.FlushAsync(cancel).ConfigureAwait(false);
            bool reload = false;
            for (int i = 0; i < scripts; i++)
            {
                try
                {
                    await redis.ReadReplyAsync(SkipReply.Instance, cancel).ConfigureAwait(false);
                    _queue.RemoveBefore(first + Math.Min(count, (i + 1) * HitsPerScript));
                }
                catch (RespErrorException e) when (e.IsNoScript)
                {
                    // Redis restarted or its scripts were flushed: the hits stay queued for the next round.
                    reload = true;
                }
            }

            if (reload)
            {
                await LoadScriptAsync(redis, cancel).ConfigureAwait(false);
            }
        }
    }

    // EVALSHA SHA 2 SCORE-PREFIX BLOCKED hit POINTS PERIOD ABOVE CHANNEL (ADDRESS POINTS AT)...
    private void WriteHits(PipeWriter output, ReadOnlySpan<QueuedHit> hits)
    {
        TableSpec spec = _table.Spec;
        RespWriter.Command(output, 10 + (3 * hits.Length));
        RespWriter.Bulk(output, "EVALSHA"u8);
        RespWriter.Bulk(output, _scriptHash.Hash);
        RespWriter.Bulk(output, 2);
        RespWriter.Bulk(output, _scorePrefix);
        RespWriter.Bulk(output, _blockedKey);
        RespWriter.Bulk(output, "hit"u8);
        RespWriter.Bulk(output, spec.DecayPoints);
        RespWriter.Bulk(output, spec.DecayPeriodSeconds);
        RespWriter.Bulk(output, spec.BlockAbove);
        RespWriter.Bulk(output, _blockedKey);
        foreach (QueuedHit hit in hits)
        {
            WriteAddress(output, hit.Key);
            RespWriter.Bulk(output, hit.Points);
            RespWriter.Bulk(output, hit.At);
        }
    }

    /// <summary>The SHA1 SCRIPT LOAD answers, kept for EVALSHA.</summary>
    private sealed class ScriptHash : IRespReplyHandler
    {
        private readonly byte[] _hash = new byte[40];

        public ReadOnlySpan<byte> Hash => _hash;

        public void Read(ref RespReader reply)
        {
            if (reply.Read(out long length, out ReadOnlySequence<byte> text) != RespKind.BulkString || length != _hash.Length)
            {
                throw new RespProtocolException("SCRIPT LOAD did not answer a SHA1");
            }

            text.CopyTo(_hash);
        }
    }
}
