using Tinyfence.Table;

namespace Tinyfence.Adapters;

/// <summary>
/// <c>tinyfence feed</c>, a piped <c>CustomLog</c> reader. Apache writes each request's log line
/// to it and never waits for an answer; the feed writes the line to the site's access log (when
/// given one), and scores the request: points for a client that is blocked right now (read from
/// the shared view), for configured statuses and URL patterns, sent to the daemon without
/// waiting. Lines longer than the reader's buffer are logged cut at that length.
/// </summary>
public sealed class AccessLogFeed : ILineSink, IDisposable
{
    public const int MaxLineBytes = 64 * 1024;

    private readonly byte[] _table;
    private readonly FeedScoring _scoring;
    private readonly ViewHandle _view;
    private readonly ScoreClient _client;
    private readonly AccessLogWriter? _log;
    private bool _discarding;

    public AccessLogFeed(string table, FeedScoring scoring, string viewPath, string socketPath, AccessLogWriter? log)
    {
        _table = HitLine.TableBytes(table);
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
            Span<byte> hit = stackalloc byte[HitLine.MaxLength];
            _client.Send(hit[..HitLine.Format(_table, client, points, hit)]);
            Scored++;
        }
    }

    void ILineSink.EndOfBatch()
    {
    }

    public void Dispose()
    {
        _log?.Dispose();
        _view.Dispose();
        _client.Dispose();
    }
}
