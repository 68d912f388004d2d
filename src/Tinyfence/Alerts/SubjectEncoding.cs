using System.Text;

namespace Tinyfence.Alerts;

/// <summary>
/// The Subject header written by us rather than by MimeKit's folding, for any subject that must
/// be encoded: MimeKit 4.18 can fold a long encoded word in its middle ("=?utf-8?", newline,
/// "q..."), leaving a line that does not start with white space, which a reader takes for a new
/// header (found by the alert-mail fuzz target). Here each line is one whole base64 encoded word
/// (RFC 2047), every line after the first starts with a space, and none is over 78 characters.
/// </summary>
internal static class SubjectEncoding
{
    // 42 bytes of UTF-8 are 56 base64 characters: "=?utf-8?b?" + 56 + "?=" is 68, under RFC 2047's
    // 75, and "Subject: " before the first word keeps its line within RFC 5322's 78.
    private const int BytesPerWord = 42;

    /// <summary>True unless the subject is printable ASCII that no reader could take for an encoded word.</summary>
    public static bool NeedsEncoding(string subject)
    {
        foreach (char c in subject)
        {
            if (c is < ' ' or > '~')
            {
                return true;
            }
        }

        return subject.Contains("=?", StringComparison.Ordinal);
    }

    /// <summary>The header's raw value: after the colon, one encoded word a line, each line ended by a newline.</summary>
    public static byte[] RawValue(string subject)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(subject);
        var raw = new StringBuilder();
        int start = 0;
        while (start < utf8.Length)
        {
            int end = Math.Min(start + BytesPerWord, utf8.Length);
            // Never split a character: back up to the first byte of its UTF-8 sequence.
            while (end < utf8.Length && end > start + 1 && (utf8[end] & 0xC0) == 0x80)
            {
                end--;
            }

            raw.Append(" =?utf-8?b?").Append(Convert.ToBase64String(utf8, start, end - start)).Append("?=\n");
            start = end;
        }

        return Encoding.ASCII.GetBytes(raw.ToString());
    }
}
