using System.Globalization;
using Tinyfence.Config;

namespace Tinyfence.Rules;

/// <summary>
/// Builds the one log line of a firing, <c>rule "apache" fired: la1=12.50 la5=7.20</c>, in a
/// preallocated buffer: a rule that fires on every check must not allocate on every check.
/// </summary>
public sealed class FiringLine
{
    // Room for a long rule name and a dozen readings; the logger cuts lines longer than its limit.
    private readonly byte[] _buffer = new byte[Logging.Logger.MaxLineBytes];
    private int _length;
    private int _readingsStart;

    public ReadOnlySpan<byte> Line => _buffer.AsSpan(0, _length);

    /// <summary>Only the readings part: <c>la1=12.50 la5=7.20</c>.</summary>
    public ReadOnlySpan<byte> ReadingsPart => _buffer.AsSpan(_readingsStart, _length - _readingsStart);

    public void Build(byte[] ruleName, ReadOnlySpan<byte> verb, ReadingDisplay[] displays, Readings readings)
    {
        _length = 0;
        Append("rule \""u8);
        Append(ruleName);
        Append("\" "u8);
        Append(verb);
        Append(": "u8);
        _readingsStart = _length;
        for (int i = 0; i < displays.Length; i++)
        {
            if (i > 0)
            {
                Append(" "u8);
            }

            ReadingDisplay display = displays[i];
            Append(display.Name);
            Append("="u8);
            if (!readings.Available[display.Slot])
            {
                Append("unavailable"u8);
                continue;
            }

            AppendValue(readings.Values[display.Slot], display);
        }
    }

    private void AppendValue(double value, ReadingDisplay display)
    {
        Span<byte> free = _buffer.AsSpan(_length);
        int written;
        if (display.IsPercent || display.Unit == MetricUnit.Percent)
        {
            value.TryFormat(free, out written, "0.0", CultureInfo.InvariantCulture);
            _length += written;
            Append("%"u8);
            return;
        }

        switch (display.Unit)
        {
            case MetricUnit.Load:
                value.TryFormat(free, out written, "0.00", CultureInfo.InvariantCulture);
                _length += written;
                break;
            case MetricUnit.Bytes:
                AppendBytes(value);
                break;
            default:
                value.TryFormat(free, out written, "0", CultureInfo.InvariantCulture);
                _length += written;
                break;
        }
    }

    // The unit letters are sysfence's size suffixes (k, M, G, T: powers of 1024).
    private void AppendBytes(double bytes)
    {
        ReadOnlySpan<byte> units = "kMGT"u8;
        int unit = -1;
        while (unit < units.Length - 1 && bytes >= 1024)
        {
            bytes /= 1024;
            unit++;
        }

        bytes.TryFormat(_buffer.AsSpan(_length), out int written, unit < 0 ? "0" : "0.#", CultureInfo.InvariantCulture);
        _length += written;
        if (unit >= 0)
        {
            Append(units.Slice(unit, 1));
        }
    }

    private void Append(ReadOnlySpan<byte> text)
    {
        int room = _buffer.Length - _length;
        if (text.Length > room)
        {
            text = text[..room];
        }

        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }
}
