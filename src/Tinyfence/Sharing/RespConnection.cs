using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Config;

namespace Tinyfence.Sharing;

/// <summary>
/// One connection to Redis, over TCP or a Unix socket, driven by one thread of its own with
/// blocking calls: commands are written to <see cref="Output"/> (several before one
/// <see cref="Flush"/>: a pipeline), and their replies read back in order with
/// <see cref="ReadReply"/>. Blocking, not async: a shared table's two connections each have a
/// thread that has nothing else to do, and the runtime's socket engine and thread pool cost a
/// node two thread wake-ups per reply (README, "How far one Redis goes"). Both directions go
/// through a <see cref="Pipe"/> used as a buffer (nothing awaits it): pooled segments, and the
/// reader sees a reply split across reads as one sequence. Not thread-safe, except
/// <see cref="Abort"/>.
/// </summary>
internal sealed class RespConnection : IDisposable
{
    // A read's room: a batch's replies, a few bytes each, come in one.
    private const int ReceiveChunkBytes = 4096;

    // Buffers with no reader that waits: a flush never blocks, whatever is held.
    private static readonly PipeOptions BufferOptions = new(pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly Pipe _toSend = new(BufferOptions);
    private readonly Pipe _received = new(BufferOptions);

    private RespConnection(Socket socket)
    {
        _socket = socket;
    }

    public PipeWriter Output => _toSend.Writer;

    /// <summary>
    /// How long a read or a write may wait (ms; 0: for ever) before it throws a
    /// <see cref="SocketException"/> (<see cref="SocketError.TimedOut"/>).
    /// </summary>
    public int TimeoutMs
    {
        set
        {
            _socket.ReceiveTimeout = value;
            _socket.SendTimeout = value;
        }
    }

    /// <summary>
    /// Connects, then authenticates and selects the database the share names, all within
    /// <paramref name="timeoutMs"/> and until <paramref name="stop"/>; throws what the socket or
    /// the server refused. The connection keeps that timeout for its reads and writes.
    /// </summary>
    public static RespConnection Open(ShareSection share, string? password, int timeoutMs, CancellationToken stop)
    {
        Socket socket;
        EndPoint endPoint;
        if (share.UnixPath is { } path)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            endPoint = new UnixDomainSocketEndPoint(path);
        }
        else
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            endPoint = IPAddress.TryParse(share.Host, out IPAddress? address) ? new IPEndPoint(address, share.Port) : new DnsEndPoint(share.Host!, share.Port);
        }

        var connection = new RespConnection(socket) { TimeoutMs = timeoutMs };
        try
        {
            // A connect blocks as long as the kernel tries (minutes, to a host that does not
            // answer): closing the socket is what ends it early, at the timeout or the stop.
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(stop);
            giveUp.CancelAfter(timeoutMs);
            using (giveUp.Token.Register(static state => ((Socket)state!).Dispose(), socket))
            {
                socket.Connect(endPoint);
            }

            int replies = 0;
            if (password is not null)
            {
                RespWriter.Command(connection.Output, 2);
                RespWriter.Bulk(connection.Output, "AUTH"u8);
                RespWriter.Bulk(connection.Output, password);
                replies++;
            }

            if (share.Database != 0)
            {
                RespWriter.Command(connection.Output, 2);
                RespWriter.Bulk(connection.Output, "SELECT"u8);
                RespWriter.Bulk(connection.Output, share.Database);
                replies++;
            }

            connection.Flush();
            for (int i = 0; i < replies; i++)
            {
                connection.ReadReply(SkipReply.Instance);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Sends what was written to <see cref="Output"/>.</summary>
    public void Flush()
    {
        Commit(_toSend.Writer);
        if (!_toSend.Reader.TryRead(out ReadResult pending))
        {
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in pending.Buffer)
        {
            ReadOnlySpan<byte> rest = segment.Span;
            while (!rest.IsEmpty)
            {
                rest = rest[_socket.Send(rest)..];
            }
        }

        _toSend.Reader.AdvanceTo(pending.Buffer.End);
    }

    /// <summary>
    /// Reads the next reply and hands it to <paramref name="handler"/>; an error reply is thrown
    /// as <see cref="RespErrorException"/>, a closed connection or bytes that are not RESP2 as
    /// <see cref="RespProtocolException"/>, a timeout or an <see cref="Abort"/> as <see cref="SocketException"/>.
    /// </summary>
    public void ReadReply<THandler>(THandler handler)
        where THandler : IRespReplyHandler
    {
        while (true)
        {
            if (_received.Reader.TryRead(out ReadResult read))
            {
                ReadOnlySequence<byte> buffer = read.Buffer;
                OperationStatus status = TryHandle(buffer, handler, out SequencePosition end, out string? error);
                if (status == OperationStatus.Done)
                {
                    _received.Reader.AdvanceTo(end);
                    if (error is not null)
                    {
                        throw new RespErrorException(error);
                    }

                    return;
                }

                _received.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (status == OperationStatus.InvalidData)
                {
                    throw new RespProtocolException("the server sent a reply that is not RESP2");
                }
            }

            int count = _socket.Receive(_received.Writer.GetSpan(ReceiveChunkBytes));
            if (count == 0)
            {
                throw new RespProtocolException("the server closed the connection");
            }

            _received.Writer.Advance(count);
            Commit(_received.Writer);
        }
    }

    /// <summary>From another thread: ends a read or write waiting on this connection (it throws), and every later one.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Not connected yet, or closed already: nothing waits on it.
        }
    }

    public void Dispose()
    {
        Abort();
        _socket.Dispose();
        _toSend.Writer.Complete();
        _toSend.Reader.Complete();
        _received.Writer.Complete();
        _received.Reader.Complete();
    }

    /// <summary>Makes what was written to one of the buffers readable.</summary>
    private static void Commit(PipeWriter buffer)
    {
        // Without backpressure and without a reader that awaits, a pipe's flush completes at once.
        ValueTask<FlushResult> flush = buffer.FlushAsync();
        if (!flush.IsCompleted)
        {
            throw new InvalidOperationException("a buffer of a Redis connection waited on its flush");
        }

        flush.GetAwaiter().GetResult();
    }

    private static OperationStatus TryHandle<THandler>(ReadOnlySequence<byte> buffer, THandler handler, out SequencePosition end, out string? error)
        where THandler : IRespReplyHandler
    {
        error = null;
        var reader = new RespReader(buffer);
        OperationStatus status = reader.TryCompleteReply(out end);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (reader.PeekKind() == RespKind.Error)
        {
            reader.Read(out _, out ReadOnlySequence<byte> text);
            error = Encoding.UTF8.GetString(text);
        }
        else
        {
            handler.Read(ref reader);
        }

        return OperationStatus.Done;
    }
}
