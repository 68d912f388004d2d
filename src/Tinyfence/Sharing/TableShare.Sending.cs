using System.Buffers;
using System.IO.Pipelines;
using Tinyfence.Table;

namespace Tinyfence.Sharing;

internal sealed partial class TableShare
{
    // SCRIPT LOAD's answer: a SHA1 in hex.
    private const int ScriptHashLength = 40;

    private readonly ScriptHash _scriptHash = new();
    private readonly HitCoalescer _coalescer = new(HitsPerScript);
    private readonly HitArguments _hitArguments = new();

    private void SendLoop()
    {
        int retryMs = FirstRetryMs;
        while (!_stop.IsCancellationRequested)
        {
            bool connected = false;
            try
            {
                using RespConnection redis = Connect(out CancellationTokenRegistration abortAtStop);
                using (abortAtStop)
                {
                    LoadScript(redis);
                    _health.Reached();
                    connected = true;
                    retryMs = FirstRetryMs;
                    while (true)
                    {
                        _queue.WaitUntilNotEmpty(_stop.Token);
                        SendQueued(redis);
                        // The hits that come meanwhile make the next batch: a round of scripts per interval at most.
                        if (_stop.Token.WaitHandle.WaitOne(SendIntervalMs))
                        {
                            return;
                        }
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

    private void LoadScript(RespConnection redis)
    {
        RespWriter.Command(redis.Output, 3);
        RespWriter.Bulk(redis.Output, "SCRIPT"u8);
        RespWriter.Bulk(redis.Output, "LOAD"u8);
        RespWriter.Bulk(redis.Output, ShareScript.Source);
        redis.Flush();
        redis.ReadReply(_scriptHash);
    }

    /// <summary>
    /// Sends what is queued, a round of pipelined scripts at a time, for as long as rounds come
    /// full (a backlog catching up); each reply must come within <see cref="ReplyTimeoutMs"/> (the
    /// connection's timeout). A round that is not full ends it, though hits came meanwhile: they
    /// wait for the next interval, else a steady trickle of requests would be sent a few hits per
    /// round trip, two thread wake-ups each.
    /// </summary>
    private void SendQueued(RespConnection redis)
    {
        while (true)
        {
            int count = _queue.Peek(_batch, out long first);
            if (count == 0)
            {
                return;
            }

            int scripts = (count + HitsPerScript - 1) / HitsPerScript;
            for (int i = 0; i < scripts; i++)
            {
                WriteHits(redis.Output, _batch.AsSpan(i * HitsPerScript, Math.Min(HitsPerScript, count - (i * HitsPerScript))));
            }

            redis.Flush();
            bool reload = false;
            for (int i = 0; i < scripts; i++)
            {
                try
                {
                    redis.ReadReply(SkipReply.Instance);
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
                LoadScript(redis);
            }
            else if (count < _batch.Length)
            {
                return;
            }
        }
    }

    // EVALSHA SHA 2 SCORE-PREFIX BLOCKED hit POINTS PERIOD ABOVE CHANNEL (ADDRESS POINTS AT)...: the
    // whole command in one span, so one piece of the pipe and one write to the socket per script.
    private void WriteHits(PipeWriter output, ReadOnlySpan<QueuedHit> queued)
    {
        ReadOnlySpan<QueuedHit> hits = _coalescer.Coalesce(queued);
        TableSpec spec = _table.Spec;
        int fixedLength = RespWriter.MaxHeaderLength + RespWriter.MaxBulkLength("EVALSHA".Length) + RespWriter.MaxBulkLength(ScriptHashLength)
            + RespWriter.MaxBulkLength(_scorePrefix.Length) + (2 * RespWriter.MaxBulkLength(_blockedKey.Length)) + RespWriter.MaxBulkLength("hit".Length)
            + (4 * RespWriter.MaxBulkNumberLength);
        Span<byte> span = output.GetSpan(fixedLength + (hits.Length * HitArguments.MaxLength));
        int written = RespWriter.Command(span, 10 + (3 * hits.Length));
        written += RespWriter.Bulk(span[written..], "EVALSHA"u8);
        written += RespWriter.Bulk(span[written..], _scriptHash.Hash);
        written += RespWriter.Bulk(span[written..], 2);
        written += RespWriter.Bulk(span[written..], _scorePrefix);
        written += RespWriter.Bulk(span[written..], _blockedKey);
        written += RespWriter.Bulk(span[written..], "hit"u8);
        written += RespWriter.Bulk(span[written..], spec.DecayPoints);
        written += RespWriter.Bulk(span[written..], spec.DecayPeriodSeconds);
        written += RespWriter.Bulk(span[written..], spec.BlockAbove);
        written += RespWriter.Bulk(span[written..], _blockedKey);
        written += _hitArguments.Write(span[written..], hits);
        output.Advance(written);
    }

    /// <summary>The SHA1 SCRIPT LOAD answers, kept for EVALSHA.</summary>
    private sealed class ScriptHash : IRespReplyHandler
    {
        private readonly byte[] _hash = new byte[ScriptHashLength];

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
