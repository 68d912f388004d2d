using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Config;

namespace Tinyfence.Sharing;

/// <summary>
/// One connection to Redis, over TCP or a Unix socket, on System.IO.Pipelines: commands are
/// written to <see cref="Output"/> (several before one flush: a pipeline), and their replies read
/// back in order with <see cref="ReadReplyAsync"/>. Not thread-safe: one task drives it.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;

    private RespConnection(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(stream);
        Output = PipeWriter.Create(stream);
    }

    public PipeWriter Output { get; }

    /// <summary>Connects, then authenticates and selects the database the share names; throws what the socket or the server refused.</summary>
    public static async Task<RespConnection> OpenAsync(ShareSection share, string? password, CancellationToken cancel)
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

        try
        {
            await socket.ConnectAsync(endPoint, cancel).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new RespConnection(socket);
        try
        {
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

            await connection.FlushAsync(cancel).ConfigureAwait(false);
            for (int i = 0; i < replies; i++)
            {
                await connection.ReadReplyAsync(SkipReply.Instance, cancel).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancel)
    {
        FlushResult result = await Output.FlushAsync(cancel).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new RespProtocolException("the server closed the connection");
        }
    }

    /// <summary>
    /// Reads the next reply and hands it to <paramref name="handler"/>; an error reply is thrown
    /// as <see cref="RespErrorException"/>, a closed connection or bytes that are not RESP2 as
    /// <see cref="RespProtocolException"/>.
    /// </summary>
    public async ValueTask ReadReplyAsync<THandler>(THandler handler, CancellationToken cancel)
        where THandler : IRespReplyHandler
    {
        while (true)
        {
            ReadResult read = await _input.ReadAsync(cancel).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            OperationStatus status = TryHandle(buffer, handler, out SequencePosition end, out string? error);
            if (status == OperationStatus.Done)
            {
                _input.AdvanceTo(end);
                if (error is not null)
                {
                    throw new RespErrorException(error);
                }

                return;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (status == OperationStatus.InvalidData)
            {
                throw new RespProtocolException("the server sent a reply that is not RESP2");
            }

            if (read.IsCompleted)
            {
                throw new RespProtocolException("the server closed the connection");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Shutting the socket down first wakes a read still waiting on it.
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        await Output.CompleteAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
        _socket.Dispose();
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
