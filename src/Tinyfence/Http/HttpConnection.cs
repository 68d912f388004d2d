using System.Buffers;
using System.Net.Sockets;
using Tinyfence.Server;
using Tinyfence.Status;

namespace Tinyfence.Http;

/// <summary>
/// One client of the HTTP endpoint: reads a request head into a fixed buffer, answers it with a
/// Content-Length reply, and keeps the connection for the next request unless the client or an
/// error closes it. Its buffers are made at connect time and reused, and the receive and send
/// calls complete through the socket's cached awaitables: a request allocates nothing (the status
/// page aside, which builds its text).
/// </summary>
internal sealed class HttpConnection : IIdleTracked
{
    /// <summary>The largest request head (request line and headers); a longer one gets 431.</summary>
    public const int MaxRequestHeadBytes = 8192;

    private readonly Socket _socket;
    private readonly StatusBoard _status;
    private readonly byte[] _request = new byte[MaxRequestHeadBytes];
    private readonly byte[] _head = new byte[HttpResponse.MaxHeadBytes];
    private readonly ArrayBufferWriter<byte> _body = new(16 * 1024);
    private long _lastActivityMs = Environment.TickCount64;
    private int _closed;

    public HttpConnection(Socket socket, StatusBoard status, int slot)
    {
        _socket = socket;
        _status = status;
        Slot = slot;
    }

    public int Slot { get; }

    /// <summary>When the client last sent something or took a reply (Environment.TickCount64).</summary>
    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    /// <summary>Answers requests until the client closes, asks to, or errs; then closes the socket.</summary>
    public async Task RunAsync()
    {
        int filled = 0;
        try
        {
            while (true)
            {
                int end;
                int headBytes = 0;
                bool close = true;
                while ((end = _request.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == _request.Length)
                    {
                        headBytes = Error(431, close);
                        break;
                    }

                    int received = await _socket.ReceiveAsync(_request.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                    if (received == 0)
                    {
                        return;
                    }

                    filled += received;
                    Touch();
                }

                if (end >= 0)
                {
                    headBytes = Answer(_request.AsSpan(0, end), out close);
                }

                await _socket.SendAsync(_head.AsMemory(0, headBytes), SocketFlags.None).ConfigureAwait(false);
                await _socket.SendAsync(_body.WrittenMemory, SocketFlags.None).ConfigureAwait(false);
                Touch();
                if (close)
                {
                    return;
                }

                // A pipelined next request may have come with this one.
                int used = end + 4;
                _request.AsSpan(used, filled - used).CopyTo(_request);
                filled -= used;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away, or the idle sweep or a stop closed the socket.
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Closes the socket now (idle, stop); the loop ends on its next call. Any thread.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }

            _socket.Dispose();
        }
    }

    /// <summary>Writes the reply to the request head into the head and body buffers; returns the head's length.</summary>
    private int Answer(ReadOnlySpan<byte> request, out bool close)
    {
        HttpRequestHead head = HttpRequestHead.Parse(request);
        close = head.Close;
        if (head.Status != 200)
        {
            return Error(head.Status, close);
        }

        _body.ResetWrittenCount();
        ReadOnlySpan<byte> path = head.Path;
        ReadOnlySpan<byte> type;
        if (path.SequenceEqual("/metrics"u8))
        {
            _status.WriteMetrics(_body);
            type = HttpResponse.Metrics;
        }
        else if (path.SequenceEqual("/status.json"u8))
        {
            _status.WriteJson(_body);
            type = HttpResponse.Json;
        }
        else if (path.SequenceEqual("/"u8))
        {
            StatusPage.Write(_status, _body);
            type = HttpResponse.Html;
        }
        else
        {
            return Error(404, close);
        }

        return HttpResponse.WriteHead(_head, 200, type, _body.WrittenCount, close);
    }

    private int Error(int status, bool close)
    {
        _body.ResetWrittenCount();
        _body.Write(HttpResponse.ErrorBody(status));
        return HttpResponse.WriteHead(_head, status, HttpResponse.Text, _body.WrittenCount, close);
    }

    private void Touch() => Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
}
