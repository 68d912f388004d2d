using System.Buffers.Text;

namespace Tinyfence.Http;

/// <summary>The status line and headers of a reply, written into a buffer without allocating.</summary>
internal static class HttpResponse
{
    /// <summary>Room for the longest head written here.</summary>
    public const int MaxHeadBytes = 256;

    public static ReadOnlySpan<byte> Html => "text/html; charset=utf-8"u8;

    public static ReadOnlySpan<byte> Json => "application/json"u8;

    // The Prometheus text exposition format's content type.
    public static ReadOnlySpan<byte> Metrics => "text/plain; version=0.0.4; charset=utf-8"u8;

    public static ReadOnlySpan<byte> Text => "text/plain; charset=utf-8"u8;

    /// <summary>Writes the head into <paramref name="into"/>; returns its length.</summary>
    public static int WriteHead(Span<byte> into, int status, ReadOnlySpan<byte> contentType, int contentLength, bool close)
    {
        int n = Append(into, 0, "HTTP/1.1 "u8);
        n = Append(into, n, Reason(status));
        n = Append(into, n, "\r\nContent-Type: "u8);
        n = Append(into, n, contentType);
        n = Append(into, n, "\r\nContent-Length: "u8);
        Utf8Formatter.TryFormat(contentLength, into[n..], out int digits);
        n += digits;
        n = Append(into, n, "\r\nCache-Control: no-store\r\n"u8);
        if (status == 405)
        {
            n = Append(into, n, "Allow: GET\r\n"u8);
        }

        n = Append(into, n, close ? "Connection: close\r\n\r\n"u8 : "Connection: keep-alive\r\n\r\n"u8);
        return n;
    }

    /// <summary>The body of an error reply: its status line's words.</summary>
    public static ReadOnlySpan<byte> ErrorBody(int status) => status switch
    {
        400 => "bad request\n"u8,
        404 => "not found: try /, /status.json or /metrics\n"u8,
        405 => "only GET is served here\n"u8,
        413 => "requests have no body here\n"u8,
        431 => "request head too large\n"u8,
        _ => "service unavailable: too many clients\n"u8,
    };

    private static ReadOnlySpan<byte> Reason(int status) => status switch
    {
        200 => "200 OK"u8,
        400 => "400 Bad Request"u8,
        404 => "404 Not Found"u8,
        405 => "405 Method Not Allowed"u8,
        413 => "413 Content Too Large"u8,
        431 => "431 Request Header Fields Too Large"u8,
        _ => "503 Service Unavailable"u8,
    };

    private static int Append(Span<byte> into, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(into[at..]);
        return at + text.Length;
    }
}
