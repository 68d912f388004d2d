using System.Buffers.Text;
using Tinyfence.Protocol;
using Tinyfence.Table;

namespace Tinyfence.Adapters;

/// <summary>
/// <c>tinyfence map</c>, a <c>RewriteMap prg:</c> program. Apache writes one key per line and
/// waits for one answer line, holding its map mutex meanwhile, so answers come from the shared
/// view of the table (no round trip to the daemon) and are flushed at once. Hits go to the
/// daemon without waiting. Nothing here makes it exit before its input ends: a key that is not an
/// address gets <c>NULL</c>, a missing table gets the fallback, a lost daemon loses only hits.
/// </summary>
public sealed class RewriteMapProgram : ILineSink, IDisposable
{
    // Apache keys are short; anything longer is not an address (answered NULL, rest discarded).
    private const int MaxKeyBytes = 255;

    private readonly MapOperation _operation;
    private readonly byte[] _table;
    private readonly byte[] _fallback;
    private readonly int _hitBlocked;
    private readonly int _points;
    private readonly ViewHandle _view;
    private readonly ScoreClient _client;
    private readonly byte[] _output = new byte[16 * 1024];
    private Stream? _out;
    private int _outputLength;
    private bool _discarding;

    public RewriteMapProgram(MapOperation operation, string table, string viewPath, string socketPath, string fallback, int hitBlocked, int points)
    {
        _operation = operation;
        _table = RequestWriter.TableName(table);
        _fallback = System.Text.Encoding.ASCII.GetBytes(fallback);
        _hitBlocked = hitBlocked;
        _points = points;
        _view = new ViewHandle(viewPath);
        _client = new ScoreClient(socketPath);
    }

    public ScoreClient Client => _client;

    /// <summary>Answers every line of <paramref name="input"/> until it ends.</summary>
    public void Run(Stream input, Stream output)
    {
        _out = output;
        new LineReader(MaxKeyBytes + 1).Run(input, this);
    }

    void ILineSink.Line(ReadOnlySpan<byte> line, bool complete)
    {
        // Room for the longest answer (a 64-byte fallback) and its newline.
        if (_outputLength > _output.Length - 128)
        {
            FlushOutput(flushStream: false);
        }

        // A piece of an over-long line is not a key: its end is answered NULL, the rest ignored.
        if (complete)
        {
            _outputLength += _discarding ? WriteNull(_output.AsSpan(_outputLength)) : Answer(line, _output.AsSpan(_outputLength));
            _output[_outputLength++] = (byte)'\n';
        }

        _discarding = !complete;
    }

    void ILineSink.EndOfBatch() => FlushOutput(flushStream: true);

    private void FlushOutput(bool flushStream)
    {
        if (_outputLength > 0)
        {
            _out!.Write(_output.AsSpan(0, _outputLength));
            _outputLength = 0;
            if (flushStream)
            {
                _out.Flush();
            }
        }
    }

    /// <summary>The answer to one key, without its newline.</summary>
    public int Answer(ReadOnlySpan<byte> key, Span<byte> answer)
    {
        key = key.Trim((byte)'\r').Trim((byte)' ');
        if (!IpKey.TryParse(key, out IpKey address))
        {
            return WriteNull(answer);
        }

        TableView? view = _view.Current;
        if (view is null || !view.TryGetScore(address, view.Now, out int score))
        {
            if (_operation == MapOperation.Hit)
            {
                SendHit(address, _points);
            }

            _fallback.CopyTo(answer);
            return _fallback.Length;
        }

        switch (_operation)
        {
            case MapOperation.Check:
                bool blocked = score > view.BlockAbove;
                if (blocked && _hitBlocked > 0)
                {
                    SendHit(address, _hitBlocked);
                }

                ReadOnlySpan<byte> verdict = blocked ? "BLOCK"u8 : "ALLOW"u8;
                verdict.CopyTo(answer);
                return verdict.Length;
            case MapOperation.Hit:
                SendHit(address, _points);
                score = (int)Math.Min(int.MaxValue, (long)score + _points);
                break;
        }

        Utf8Formatter.TryFormat(score, answer, out int written);
        return written;
    }

    public void Dispose()
    {
        _view.Dispose();
        _client.Dispose();
    }

    private void SendHit(IpKey address, int points)
    {
        Span<byte> line = stackalloc byte[RequestWriter.MaxHitLength];
        _client.Send(line[..RequestWriter.Hit(_table, address, points, line)]);
    }

    private static int WriteNull(Span<byte> answer)
    {
        "NULL"u8.CopyTo(answer);
        return 4;
    }
}
