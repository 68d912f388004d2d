using System.Buffers;
using System.Globalization;
using System.Text;
using Tinyfence.Table;

namespace Tinyfence.Http;

/// <summary>
/// Writes an HTML page as UTF-8 straight into a buffer writer: markup as <c>u8</c> literals, text
/// from the config or the state escaped as <see cref="System.Net.WebUtility.HtmlEncode(string)"/>
/// does, numbers, times and addresses formatted in place. Allocates nothing.
/// </summary>
internal readonly struct HtmlText(IBufferWriter<byte> output)
{
    // A long fits in 32 bytes, and so does a double of the page's figures in its custom format;
    // a larger double (up to 309 digits) gets a larger span.
    private const int MaxNumberBytes = 32;

    // "yyyy-MM-dd HH:mm:ss UTC" is 23 bytes.
    private const int MaxTimeBytes = 32;

    public void Markup(ReadOnlySpan<byte> html) => output.Write(html);

    /// <summary>
    /// Text escaped as WebUtility.HtmlEncode escapes it: the five markup characters, Latin-1 from
    /// U+00A0 and everything past the BMP as numeric references, a lone surrogate as U+FFFD.
    /// </summary>
    public void Text(string text)
    {
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed);
            rest = rest[consumed..];
            switch (rune.Value)
            {
                case '<': Markup("&lt;"u8); break;
                case '>': Markup("&gt;"u8); break;
                case '"': Markup("&quot;"u8); break;
                case '\'': Markup("&#39;"u8); break;
                case '&': Markup("&amp;"u8); break;
                case (>= 0xA0 and <= 0xFF) or >= 0x10000:
                    Markup("&#"u8);
                    Integer(rune.Value);
                    Markup(";"u8);
                    break;
                default:
                    Span<byte> span = output.GetSpan(4);
                    output.Advance(rune.EncodeToUtf8(span));
                    break;
            }
        }
    }

    public void Integer(long value)
    {
        Span<byte> span = output.GetSpan(MaxNumberBytes);
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    /// <param name="format">A custom numeric format such as <c>0.##</c>.</param>
    public void Number(double value, ReadOnlySpan<char> format)
    {
        int room = MaxNumberBytes;
        int written;
        while (!value.TryFormat(output.GetSpan(room), out written, format, CultureInfo.InvariantCulture))
        {
            room *= 2;
        }

        output.Advance(written);
    }

    /// <summary>A UTC time to the second, or <c>never</c>.</summary>
    public void Time(DateTime? utc)
    {
        if (utc is not { } time)
        {
            Markup("never"u8);
            return;
        }

        Span<byte> span = output.GetSpan(MaxTimeBytes);
        time.TryFormat(span, out int written, "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    public void Address(IpKey key)
    {
        Span<byte> span = output.GetSpan(IpKey.MaxTextLength);
        output.Advance(key.Format(span));
    }
}
