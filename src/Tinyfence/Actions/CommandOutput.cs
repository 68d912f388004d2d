using System.Buffers;
using System.Globalization;
using System.Text;
using Tinyfence.Logging;

namespace Tinyfence.Actions;

/// <summary>
/// Splits a command's output (stdout and stderr, one pipe) into lines, logs each as
/// <c>label: line</c> at Info level and keeps the first few for the result. Memory is fixed
/// whatever the command prints: one line buffer, and past the kept and logged lines only the
/// newlines are counted.
/// </summary>
internal sealed class CommandOutput
{
    /// <summary>A longer line is cut here and marked: a syslog line has room for about 2 KiB, and a
    /// line this long from a guard's command is already noise.</summary>
    public const int MaxLineBytes = 1024;

    /// <summary>Lines kept in the result: enough for an alert mail to show what the command said.</summary>
    public const int KeptLineCount = 20;

    // A rule name longer than this is cut in output lines, so a line always fits Logger.MaxLineBytes.
    private const int MaxLabelBytes = 256;

    private readonly Logger _log;
    private readonly string _label;
    private readonly int _maxLoggedLines;
    private readonly byte[] _raw = new byte[MaxLineBytes];
    private readonly byte[] _logLine;
    private readonly int _prefixLength;
    private readonly List<string> _firstLines = new(KeptLineCount);
    private int _rawLength;
    private bool _cut;
    private bool _midLine;
    private long _lineCount;
    private long _loggedCount;
    private bool _limitAnnounced;

    public CommandOutput(Logger log, string label, int maxLoggedLines)
    {
        _log = log;
        _label = label;
        _maxLoggedLines = Math.Max(0, maxLoggedLines);
        _logLine = new byte[MaxLabelBytes + 2 + MaxLineBytes + CutMarker.Length];
        _prefixLength = Escape(Encoding.UTF8.GetBytes(label), _logLine.AsSpan(0, MaxLabelBytes), out _);
        _logLine[_prefixLength++] = (byte)':';
        _logLine[_prefixLength++] = (byte)' ';
    }

    public static ReadOnlySpan<byte> CutMarker => " [cut]"u8;

    public IReadOnlyList<string> FirstLines => _firstLines;

    /// <summary>Lines seen so far, counting an unterminated last line once <see cref="Complete"/> ran.</summary>
    public int LineCount => (int)Math.Min(_lineCount, int.MaxValue);

    private bool LogEnabled => _log.IsEnabled(LogLevel.Info);

    // Past the kept lines, with logging off or its limit announced, a line needs no bytes: only counting.
    private bool WantsLines => _lineCount < KeptLineCount || (LogEnabled && !_limitAnnounced);

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (!WantsLines)
            {
                CountOnly(data);
                return;
            }

            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                AppendToLine(data);
                return;
            }

            AppendToLine(data[..newline]);
            EndLine();
            data = data[(newline + 1)..];
        }
    }

    /// <summary>The pipe is closed: an unterminated last line still counts; reports lines not logged.</summary>
    public void Complete()
    {
        if (_midLine)
        {
            if (WantsLines)
            {
                EndLine();
            }
            else
            {
                _lineCount++;
                _midLine = false;
            }
        }

        if (_limitAnnounced && LogEnabled)
        {
            _log.Info(_label + ": " + (_lineCount - _loggedCount).ToString(CultureInfo.InvariantCulture)
                + " more output lines not logged");
        }
    }

    /// <summary>
    /// Copies <paramref name="raw"/> to <paramref name="destination"/> with every byte that is not
    /// printable written as <c>\xNN</c>: controls (tab excepted), DEL, bytes that are not valid
    /// UTF-8, and C1 controls; valid UTF-8 text is kept. Stops before a character that does not
    /// fit whole, and says so with <paramref name="truncated"/>.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int Escape(ReadOnlySpan<byte> raw, Span<byte> destination, out bool truncated)
    {
        int written = 0;
        int i = 0;
        while (i < raw.Length)
        {
            // Printable ASCII goes over in runs.
            int special = raw[i..].IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e);
            int run = special < 0 ? raw.Length - i : special;
            if (run > 0)
            {
                if (run > destination.Length - written)
                {
                    raw.Slice(i, destination.Length - written).CopyTo(destination[written..]);
                    truncated = true;
                    return destination.Length;
                }

                raw.Slice(i, run).CopyTo(destination[written..]);
                written += run;
                i += run;
                continue;
            }

            byte b = raw[i];
            int length = 1;
            bool keep = b == (byte)'\t';
            if (b >= 0x80)
            {
                keep = Rune.DecodeFromUtf8(raw[i..], out Rune rune, out length) == OperationStatus.Done && !Rune.IsControl(rune);
                if (!keep)
                {
                    length = 1;
                }
            }

            int needed = keep ? length : 4;
            if (needed > destination.Length - written)
            {
                truncated = true;
                return written;
            }

            if (keep)
            {
                raw.Slice(i, length).CopyTo(destination[written..]);
            }
            else
            {
                destination[written] = (byte)'\\';
                destination[written + 1] = (byte)'x';
                destination[written + 2] = (byte)"0123456789ABCDEF"[b >> 4];
                destination[written + 3] = (byte)"0123456789ABCDEF"[b & 0xf];
            }

            written += needed;
            i += length;
        }

        truncated = false;
        return written;
    }

    private void AppendToLine(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        _midLine = true;
        int room = MaxLineBytes - _rawLength;
        if (piece.Length > room)
        {
            piece = piece[..room];
            _cut = true;
        }

        piece.CopyTo(_raw.AsSpan(_rawLength));
        _rawLength += piece.Length;
    }

    private void EndLine()
    {
        bool logEnabled = LogEnabled;
        bool log = logEnabled && _loggedCount < _maxLoggedLines;
        bool keep = _lineCount < KeptLineCount;
        if (logEnabled && !log && !_limitAnnounced)
        {
            _limitAnnounced = true;
            _log.Info(_label + ": output goes on; not logging more than "
                + _maxLoggedLines.ToString(CultureInfo.InvariantCulture) + " lines of it");
        }

        if (log || keep)
        {
            ReadOnlySpan<byte> raw = _raw.AsSpan(0, _rawLength);
            if (_cut)
            {
                raw = WithoutIncompleteLastCharacter(raw);
            }
            else if (!raw.IsEmpty && raw[^1] == (byte)'\r')
            {
                raw = raw[..^1];
            }

            Span<byte> text = _logLine.AsSpan(_prefixLength);
            int length = Escape(raw, text[..MaxLineBytes], out bool truncated);
            if (_cut || truncated)
            {
                CutMarker.CopyTo(text[length..]);
                length += CutMarker.Length;
            }

            if (log)
            {
                _log.Write(LogLevel.Info, _logLine.AsSpan(0, _prefixLength + length));
                _loggedCount++;
            }

            if (keep)
            {
                _firstLines.Add(Encoding.UTF8.GetString(text[..length]));
            }
        }

        _lineCount++;
        _rawLength = 0;
        _cut = false;
        _midLine = false;
    }

    private void CountOnly(ReadOnlySpan<byte> data)
    {
        int newlines = data.Count((byte)'\n');
        if (newlines == 0)
        {
            _midLine = true;
            return;
        }

        _lineCount += newlines;
        _midLine = data[^1] != (byte)'\n';
        _rawLength = 0;
        _cut = false;
    }

    // A cut can fall inside a multi-byte character; drop its lead bytes rather than escape them.
    private static ReadOnlySpan<byte> WithoutIncompleteLastCharacter(ReadOnlySpan<byte> raw)
    {
        for (int back = 1; back <= 3 && back <= raw.Length; back++)
        {
            byte b = raw[^back];
            if (b < 0x80)
            {
                break;
            }

            if (b >= 0xc0)
            {
                return Rune.DecodeFromUtf8(raw[^back..], out _, out _) == OperationStatus.NeedMoreData
                    ? raw[..^back]
                    : raw;
            }
        }

        return raw;
    }
}
