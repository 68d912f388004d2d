using System.Buffers;
using System.Runtime.InteropServices;

namespace Tinyfence.Http;

/// <summary>
/// Replies, written into the loop's shared reply buffer: room for the longest head first, then the
/// body, then the head right before the body, so the reply goes out in one send.
/// </summary>
internal sealed partial class HttpServer
{
    // Where the head written last starts in the reply buffer.
    private int _replyStart;

    /// <summary>Writes the reply to the request head; returns whether the connection closes after it.</summary>
    private bool Answer(ReadOnlySpan<byte> request)
    {
        HttpRequestHead head = HttpRequestHead.Parse(request);
        bool close = head.Close;
        if (head.Status != 200)
        {
            Error(head.Status, close);
            return close;
        }

        StartBody();
        ReadOnlySpan<byte> path = head.Path;
        ReadOnlySpan<byte> type;
        if (path.SequenceEqual("/metrics"u8))
        {
            _status.WriteMetrics(_reply);
            type = HttpResponse.Metrics;
        }
        else if (path.SequenceEqual("/status.json"u8))
        {
            _status.WriteJson(_reply);
            type = HttpResponse.Json;
        }
        else if (path.SequenceEqual("/"u8))
        {
            StatusPage.Write(_status, _reply);
            type = HttpResponse.Html;
        }
        else
        {
            Error(404, close);
            return close;
        }

        EndWithHead(200, type, close);
        return close;
    }

    private void Error(int status, bool close)
    {
        StartBody();
        _reply.Write(HttpResponse.ErrorBody(status));
        EndWithHead(status, HttpResponse.Text, close);
    }

    private void StartBody()
    {
        _reply.ResetWrittenCount();
        _reply.GetSpan(HttpResponse.MaxHeadBytes);
        _reply.Advance(HttpResponse.MaxHeadBytes);
    }

    private void EndWithHead(int status, ReadOnlySpan<byte> contentType, bool close)
    {
        Span<byte> head = stackalloc byte[HttpResponse.MaxHeadBytes];
        int length = HttpResponse.WriteHead(head, status, contentType, _reply.WrittenCount - HttpResponse.MaxHeadBytes, close);
        _replyStart = HttpResponse.MaxHeadBytes - length;
        head[..length].CopyTo(MemoryMarshal.AsMemory(_reply.WrittenMemory).Span[_replyStart..]);
    }
}
