using Tinyfence.Protocol;
using Tinyfence.Table;

namespace Tinyfence.Adapters;

/// <summary>
/// <c>tinyfence feed</c>, a piped <c>CustomLog</c> reader. Apache writes each request's log line
/// to it and never waits for an answer; the feed writes the line to the site's access log (when
/// given one), and scores the request: points for a client that is blocked right now (read from
/// the shared view), for configured statuses and URL patterns, sent to the daemon without
/// waiting. Lines longer than the reader's buffer are logged cut at that length.
/// </summary>
/// <remarks>
/// Apache writes each line with its own write(2). A reader that waits in read(2) for every line is
/// woken once per request, and every write to a pipe with a sleeping reader costs the Apache
/// worker the wake-up as well: that is most of what a piped log costs. So after a small batch the
/// feed pauses for <see cref="BatchPause"/> before reading again: lines gather in the pipe (64 KiB
/// holds hundreds; Apache would only wait on a full pipe, i.e. at tens of MB/s of log), and are
/// taken a batch per read. With no traffic the feed waits in read(2) as before: it never polls.
/// </remarks>
public sealed class AccessLogFeed : ILineSink, IDisposable
{
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>The pause after a batch smaller than <see cref="BatchBytes"/>.</summary>
    public static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(2);

    // A read this large means the feed is behind (or a burst came): read on at once.
    private const int BatchBytes = 16 * 1024;

    private readonly byte[] _table;
    private readonly FeedScoring _scoring;
    private readonly ViewHandle _view;
    private readonly ScoreClient _client;
    private readonly AccessLogWriter? _log;
    private readonly TimeSpan _batchPause;
    private bool _discarding;
    private long _batchBytes;

    /// <param name="batchPause">The pause after a small batch (<see cref="BatchPause"/>); zero reads on at once.</param>
    public AccessLogFeed(string table, FeedScoring scoring, string viewPath, string socketPath, AccessLogWriter? log, TimeSpan? batchPause = null)
    {
        _batchPause = batchPause ?? BatchPause;
        _table = RequestWriter.TableName(table);
        _scoring = scoring;
        _view = new ViewHandle(viewPath);
        _client = new ScoreClient(socketPath);
        _log = log;
    }

    public long Lines { get; private set; }

    public long Scored { get; private set; }

    public ScoreClient Client => _client;

    public void Run(Stream input) => new LineReader(MaxLineBytes).Run(input, this);

    void ILineSink.Line(ReadOnlySpan<byte> line, bool complete)
    {
        _batchBytes += line.Length + 1;
        if (_discarding)
        {
            _discarding = !complete;
            return;
        }

        _discarding = !complete;
        Lines++;
        _log?.WriteLine(line);
        if (!AccessLogLine.TryParse(line, out AccessLogLine request) || !IpKey.TryParse(request.Client, out IpKey client))
        {
            return;
        }

        TableView? view = _view.Current;
        bool blocked = view is not null && view.TryGetScore(client, view.Now, out int score) && score > view.BlockAbove;
        int points = _scoring.PointsFor(request, blocked);
        if (points > 0)
        {
            Span<byte> hit = stackalloc byte[RequestWriter.MaxHitLength];
            _client.Send(hit[..RequestWriter.Hit(_table, client, points, hit)]);
            Scored++;
        }
    }

    void ILineSink.EndOfBatch()
    {
        bool small = _batchBytes < BatchBytes;
        _batchBytes = 0;
        if (small && _batchPause > TimeSpan.Zero)
        {
            Thread.Sleep(_batchPause);
        }
    }

    public void Dispose()
    {
        _log?.Dispose();
        _view.Dispose();
        _client.Dispose();
    }
}
