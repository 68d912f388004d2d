using System.Globalization;
using Tinyfence.Table;

namespace Tinyfence.Adapters;

/// <summary>
/// The piped-log feed's policy: how many points one logged request adds to its client's score.
/// </summary>
/// <remarks>
/// A request from an address already blocked scores only <see cref="BlockedPoints"/>: its status
/// is the block's own 403 and says nothing more, and the points keep a client that keeps trying
/// blocked (mod_security's <c>setvar:IP.spam=+1,drop</c>). Any other request scores the points of
/// its final status plus <see cref="UrlPoints"/> when its target matches a URL pattern. The target
/// is matched as logged and form-decoded, so <c>/wp%2Dlogin.php</c> matches <c>wp-login</c>.
/// </remarks>
public sealed class FeedScoring
{
    /// <summary>A HIT adds at most this much.</summary>
    public const int MaxPoints = TableSpec.MaxScore;

    private const int MinStatus = 100;
    private const int MaxStatus = 599;

    private readonly int[] _statusPoints = new int[MaxStatus + 1];
    private readonly StreamMatcher? _urlMatcher;

    public FeedScoring(int blockedPoints, IEnumerable<KeyValuePair<int, int>> statusPoints, PatternSet? urlPatterns, int urlPoints)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockedPoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockedPoints, MaxPoints);
        ArgumentOutOfRangeException.ThrowIfNegative(urlPoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(urlPoints, MaxPoints);
        BlockedPoints = blockedPoints;
        UrlPatterns = urlPatterns;
        UrlPoints = urlPoints;
        foreach ((int status, int points) in statusPoints)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(status, MinStatus);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(status, MaxStatus);
            ArgumentOutOfRangeException.ThrowIfNegative(points);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(points, MaxPoints);
            _statusPoints[status] = points;
        }

        if (urlPatterns is not null && urlPoints > 0)
        {
            _urlMatcher = new StreamMatcher(urlPatterns);
        }
    }

    public int BlockedPoints { get; }

    public PatternSet? UrlPatterns { get; }

    public int UrlPoints { get; }

    /// <summary>The pattern the last <see cref="PointsFor"/> call matched in the target, or -1.</summary>
    public int LastUrlPattern { get; private set; } = -1;

    /// <summary>The points of a status code: 0 when none were set.</summary>
    public int PointsForStatus(int status) => (uint)status < (uint)_statusPoints.Length ? _statusPoints[status] : 0;

    /// <summary>The points to add for one request (0: send nothing). Not thread-safe: the feed reads one line at a time.</summary>
    public int PointsFor(scoped in AccessLogLine line, bool blocked)
    {
        LastUrlPattern = -1;
        if (blocked)
        {
            return BlockedPoints;
        }

        long points = PointsForStatus(line.Status);
        if (_urlMatcher is not null && !line.Target.IsEmpty)
        {
            _urlMatcher.Reset();
            _urlMatcher.Feed(line.Target);
            LastUrlPattern = _urlMatcher.Finish();
            if (LastUrlPattern >= 0)
            {
                points += UrlPoints;
            }
        }

        return (int)Math.Min(points, MaxPoints);
    }

    /// <summary>
    /// Builds the policy from the feed's option values as typed, checking them all.
    /// </summary>
    /// <param name="blockedPoints">--blocked-points; null for the default, 1.</param>
    /// <param name="statusOptions">Each --status value, <c>CODE=N</c>.</param>
    /// <param name="urlPatterns">--url-patterns, loaded.</param>
    /// <param name="urlPoints">--url-points; required with --url-patterns.</param>
    /// <exception cref="AdapterOptionException">Every value that does not parse, one message each.</exception>
    public static FeedScoring Create(string? blockedPoints, IReadOnlyList<string> statusOptions, PatternSet? urlPatterns, string? urlPoints)
    {
        var errors = new List<string>();
        int blocked = 1;
        if (blockedPoints is not null && !TryParsePoints("--blocked-points", blockedPoints, out blocked, out string? error))
        {
            errors.Add(error);
        }

        var statuses = new Dictionary<int, int>();
        foreach (string option in statusOptions)
        {
            if (!TryParseStatusPoints(option, out int status, out int points, out error))
            {
                errors.Add(error);
            }
            else if (!statuses.TryAdd(status, points))
            {
                errors.Add($"--status {Quote(option)}: status {status} is given twice");
            }
        }

        int url = 0;
        if (urlPoints is not null)
        {
            if (!TryParsePoints("--url-points", urlPoints, out url, out error))
            {
                errors.Add(error);
            }
            else if (urlPatterns is null)
            {
                errors.Add("--url-points needs --url-patterns FILE: there is nothing to match");
            }
        }
        else if (urlPatterns is not null)
        {
            errors.Add("--url-patterns needs --url-points N: how many points a match adds");
        }

        if (errors.Count > 0)
        {
            throw new AdapterOptionException(errors);
        }

        return new FeedScoring(blocked, statuses, urlPatterns, url);
    }

    /// <summary>Parses a --status value such as <c>404=2</c>.</summary>
    public static bool TryParseStatusPoints(string text, out int status, out int points, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        status = 0;
        points = 0;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            error = $"--status {Quote(text)}: expected CODE=POINTS, such as 404=2";
            return false;
        }

        ReadOnlySpan<char> code = text.AsSpan(0, equals);
        if (!IsDigits(code) || !int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out status) ||
            status < MinStatus || status > MaxStatus)
        {
            error = $"--status {Quote(text)}: the status code must be a number from {MinStatus} to {MaxStatus}";
            return false;
        }

        ReadOnlySpan<char> value = text.AsSpan(equals + 1);
        if (!TryParseNumber(value, out points))
        {
            error = $"--status {Quote(text)}: the points must be a whole number from 0 to {MaxPoints}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Parses a points option (--blocked-points, --url-points): 0 to <see cref="MaxPoints"/>.</summary>
    public static bool TryParsePoints(string option, string text, out int points, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        if (!TryParseNumber(text, out points))
        {
            error = $"{option} {Quote(text)}: expected a whole number from 0 to {MaxPoints}";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        return IsDigits(text) && text.Length <= 10 &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number) &&
            number <= MaxPoints && (value = (int)number) >= 0;
    }

    // Digits only: no sign, no spaces, no underscores that a culture-aware parse might take.
    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    private static string Quote(string text)
    {
        var quoted = new System.Text.StringBuilder("'");
        foreach (char c in text)
        {
            if (c is < ' ' or '\x7f')
            {
                quoted.Append("0x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('\'').ToString();
    }
}
