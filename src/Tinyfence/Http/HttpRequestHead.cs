using System.Text;

namespace Tinyfence.Http;

/// <summary>What the endpoint needs of a request head: its verdict, its path and whether to close after it.</summary>
internal readonly ref struct HttpRequestHead
{
    private HttpRequestHead(int status, ReadOnlySpan<byte> path, bool close)
    {
        Status = status;
        Path = path;
        Close = close;
    }

    /// <summary>200 for a GET to answer, else the error status to reply with (400, 405, 413).</summary>
    public int Status { get; }

    /// <summary>The target without its query.</summary>
    public ReadOnlySpan<byte> Path { get; }

    public bool Close { get; }

    /// <summary>Parses a head, the bytes before its blank line. Allocates nothing.</summary>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> requestLine = lineEnd < 0 ? head : head[..lineEnd];
        ReadOnlySpan<byte> headers = lineEnd < 0 ? default : head[(lineEnd + 2)..];

        int firstSpace = requestLine.IndexOf((byte)' ');
        int lastSpace = requestLine.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            return new HttpRequestHead(400, default, close: true);
        }

        ReadOnlySpan<byte> method = requestLine[..firstSpace];
        ReadOnlySpan<byte> target = requestLine[(firstSpace + 1)..lastSpace];
        ReadOnlySpan<byte> version = requestLine[(lastSpace + 1)..];
        if (!version.StartsWith("HTTP/1."u8) || version.Length != 8 || target[0] != (byte)'/')
        {
            return new HttpRequestHead(400, default, close: true);
        }

        // HTTP/1.0 closes unless it asks otherwise; keeping it simple, 1.0 always closes.
        bool close = version[7] != (byte)'1';
        while (!headers.IsEmpty)
        {
            int end = headers.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = end < 0 ? headers : headers[..end];
            headers = end < 0 ? default : headers[(end + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return new HttpRequestHead(400, default, close: true);
            }

            ReadOnlySpan<byte> name = line[..colon];
            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                close = true;
            }
            else if ((Ascii.EqualsIgnoreCase(name, "content-length"u8) && !value.SequenceEqual("0"u8))
                || Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                // The endpoint reads no bodies: one would be taken for the next request.
                return new HttpRequestHead(413, default, close: true);
            }
        }

        if (!method.SequenceEqual("GET"u8))
        {
            return new HttpRequestHead(405, default, close);
        }

        int query = target.IndexOf((byte)'?');
        return new HttpRequestHead(200, query < 0 ? target : target[..query], close);
    }
}
