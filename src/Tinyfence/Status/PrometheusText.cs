using System.Buffers;
using System.Globalization;
using System.Text;

namespace Tinyfence.Status;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4) into a buffer writer: a family's
/// <c># HELP</c> and <c># TYPE</c>, then its samples. Label values are escaped as the format asks
/// (backslash, double quote, newline). Allocates nothing.
/// </summary>
internal readonly struct PrometheusText(IBufferWriter<byte> output)
{
    // A double in its shortest round-trip form, or a long, fits in 32 bytes.
    private const int MaxNumberBytes = 32;

    public void Family(ReadOnlySpan<byte> name, ReadOnlySpan<byte> type, ReadOnlySpan<byte> help)
    {
        Append("# HELP "u8);
        Append(name);
        Append(" "u8);
        Append(help);
        Append("\n# TYPE "u8);
        Append(name);
        Append(" "u8);
        Append(type);
        Append("\n"u8);
    }

    public void Sample(ReadOnlySpan<byte> name, double value)
    {
        Append(name);
        Value(value);
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> label, string labelValue, double value)
    {
        Append(name);
        Append("{"u8);
        Label(label, labelValue);
        Append("}"u8);
        Value(value);
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> label, string labelValue, ReadOnlySpan<byte> label2, string labelValue2, double value)
    {
        Append(name);
        Append("{"u8);
        Label(label, labelValue);
        Append(","u8);
        Label(label2, labelValue2);
        Append("}"u8);
        Value(value);
    }

    private void Label(ReadOnlySpan<byte> name, string value)
    {
        Append(name);
        Append("=\""u8);
        ReadOnlySpan<char> rest = value;
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed);
            rest = rest[consumed..];
            switch (rune.Value)
            {
                case '\\': Append("\\\\"u8); break;
                case '"': Append("\\\""u8); break;
                case '\n': Append("\\n"u8); break;
                default:
                    Span<byte> span = output.GetSpan(4);
                    output.Advance(rune.EncodeToUtf8(span));
                    break;
            }
        }

        Append("\""u8);
    }

    private void Value(double value)
    {
        Span<byte> span = output.GetSpan(MaxNumberBytes + 2);
        span[0] = (byte)' ';
        int written;
        if (double.IsNaN(value))
        {
            "NaN"u8.CopyTo(span[1..]);
            written = 3;
        }
        else if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            ((long)value).TryFormat(span[1..], out written, default, CultureInfo.InvariantCulture);
        }
        else
        {
            value.TryFormat(span[1..], out written, "R", CultureInfo.InvariantCulture);
        }

        span[1 + written] = (byte)'\n';
        output.Advance(written + 2);
    }

    private void Append(ReadOnlySpan<byte> text)
    {
        Span<byte> span = output.GetSpan(text.Length);
        text.CopyTo(span);
        output.Advance(text.Length);
    }
}
