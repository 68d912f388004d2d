namespace Tinyfence.Adapters;

/// <summary>
/// The fields the feed needs from one Apache access log line in the common or combined format
/// with the client first (<c>%a</c> or <c>%h</c>): views into the line, nothing copied.
/// </summary>
/// <remarks>
/// <code>%a %l %u %t "%r" %&gt;s %b ["%{Referer}i" "%{User-Agent}i"]</code>
/// The request line is the first field that starts with a double quote: a quote in the fields
/// before it cannot start one, since Apache writes <c>%u</c> with <c>"</c> escaped as <c>\"</c> and
/// <c>%t</c> in brackets. Inside it
/// Apache escapes <c>"</c> and <c>\</c> with a backslash and other bytes as <c>\xHH</c>, so the
/// field ends at the first quote not preceded by an escaping backslash. The fields are left
/// escaped as logged.
/// </remarks>
public readonly ref struct AccessLogLine
{
    /// <summary>The first field: an address with <c>%a</c>, possibly a host name with <c>%h</c>.</summary>
    public ReadOnlySpan<byte> Client { get; init; }

    /// <summary>The request line between the quotes (<c>-</c> when Apache got none, e.g. a 408).</summary>
    public ReadOnlySpan<byte> RequestLine { get; init; }

    /// <summary>The first word of the request line; empty when it has no space.</summary>
    public ReadOnlySpan<byte> Method { get; init; }

    /// <summary>The second word of the request line: path and query as requested; may be empty.</summary>
    public ReadOnlySpan<byte> Target { get; init; }

    /// <summary>The target up to its <c>?</c>.</summary>
    public ReadOnlySpan<byte> Path { get; init; }

    /// <summary>The final status (<c>%&gt;s</c>), 100 to 999.</summary>
    public int Status { get; init; }

    /// <summary>
    /// Finds the fields; false when the line does not have a client, a closed quoted request line
    /// and a three-digit status after it. Never throws, whatever the bytes.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out AccessLogLine parsed)
    {
        parsed = default;
        int clientEnd = line.IndexOf((byte)' ');
        if (clientEnd <= 0)
        {
            return false;
        }

        ReadOnlySpan<byte> client = line[..clientEnd];
        if (client.Contains((byte)'"'))
        {
            return false;
        }

        // A space then a quote: the quotes of %u or %l come escaped (\"), never after a space.
        int open = line.IndexOf(" \""u8);
        if (open < 0)
        {
            return false;
        }

        open++;

        int length = RequestLineLength(line[(open + 1)..]);
        if (length < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> requestLine = line.Slice(open + 1, length);
        ReadOnlySpan<byte> rest = line[(open + 1 + length + 1)..];
        if (!TryParseStatus(rest, out int status))
        {
            return false;
        }

        ReadOnlySpan<byte> method = default;
        ReadOnlySpan<byte> target = default;
        int methodEnd = requestLine.IndexOf((byte)' ');
        if (methodEnd >= 0)
        {
            method = requestLine[..methodEnd];
            target = requestLine[(methodEnd + 1)..];
            int targetEnd = target.IndexOf((byte)' ');
            if (targetEnd >= 0)
            {
                target = target[..targetEnd];
            }
        }

        int query = target.IndexOf((byte)'?');
        parsed = new AccessLogLine
        {
            Client = client,
            RequestLine = requestLine,
            Method = method,
            Target = target,
            Path = query >= 0 ? target[..query] : target,
            Status = status,
        };
        return true;
    }

    // The length of the quoted field that starts right after its opening quote, or -1 if unclosed.
    private static int RequestLineLength(ReadOnlySpan<byte> field)
    {
        int i = 0;
        while (true)
        {
            int special = field[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                return -1;
            }

            i += special;
            if (field[i] == (byte)'"')
            {
                return i;
            }

            i += 2; // a backslash escapes the next byte (\" and \\; \xHH needs no care)
            if (i >= field.Length)
            {
                return -1;
            }
        }
    }

    // " 404" then a space or the end of the line (a CR a caller left in is tolerated).
    private static bool TryParseStatus(ReadOnlySpan<byte> rest, out int status)
    {
        status = 0;
        if (rest.Length < 4 || rest[0] != (byte)' ')
        {
            return false;
        }

        if (rest.Length > 4 && rest[4] is not ((byte)' ' or (byte)'\r'))
        {
            return false;
        }

        int d0 = rest[1] - '0';
        int d1 = rest[2] - '0';
        int d2 = rest[3] - '0';
        if ((uint)d0 > 9 || (uint)d1 > 9 || (uint)d2 > 9 || d0 == 0)
        {
            return false;
        }

        status = (d0 * 100) + (d1 * 10) + d2;
        return true;
    }
}
