using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Tinyfence.Logging;
using Tinyfence.Protocol;

namespace Tinyfence.Server;

/// <summary>
/// One connection: a receive loop fills an input pipe from the socket; the session loop reads
/// request lines from it, hands each to the handler, and sends the replies of all the complete
/// lines of a read with one flush. Allocates at connect time only: the pipes' buffers come from the
/// shared array pool, a line split across two buffers is copied into the framer's buffer, and each
/// loop is one state machine for the life of the connection.
/// </summary>
/// <remarks>
/// Why a <see cref="Pipe"/> and a receive loop rather than <c>PipeReader.Create(stream)</c>: the
/// pipe's pause threshold bounds the input read ahead, its inline scheduler runs the handling on
/// the thread the receive completed on, and <see cref="Socket.ReceiveAsync(Memory{byte}, SocketFlags, CancellationToken)"/>
/// completes through one cached awaitable per socket. Measured in a standalone process: 0 bytes
/// allocated over 1,000,000 pipelined and 50,000 ping-pong requests after warm-up.
///
/// Memory per session is bounded: input waiting to be handled by <see cref="InputPauseBytes"/>
/// (the receive loop stops reading when the session is stuck sending), replies by ReplyFlushBytes
/// plus one reply; the rest waits in the kernel's socket buffers.
/// </remarks>
internal sealed class Session : IIdleTracked
{
    // A receive asks for at least this much room: 4 KiB segments hold some 800 pipelined PINGs,
    // and one pool-sized array per idle client is cheap.
    private const int SegmentBytes = 4096;
    private const int MinimumReceiveBytes = 1024;
    private const int WriteSegmentBytes = 4096;

    // Input the receive loop reads ahead of the session; at least two whole lines, so the framer
    // can always see the end of the longest one.
    private const int DefaultInputPauseBytes = 64 * 1024;

    private static readonly IOException s_closed = new("the connection is closed");

    private readonly UnixSocketServer _server;
    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly ILineHandler _handler;
    private readonly Logger _log;
    private readonly LineFramer _framer;
    private readonly long _replyFlushBytes;

    // Exists before the session starts, so a stop that comes between admission and Start waits for it.
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SessionState _state;
    private long _lastActivityMs;
    private long _peakBufferedReplyBytes;
    private volatile bool _stopRequested;
    private int _aborted;
    private Task _receiving = Task.CompletedTask;

    public Session(UnixSocketServer server, Socket socket, int slot, ServerOptions options, ILineHandler handler, Logger log)
    {
        _server = server;
        _socket = socket;
        Slot = slot;
        _handler = handler;
        _log = log;
        _framer = new LineFramer(options.MaxLineBytes);
        _replyFlushBytes = options.ReplyFlushBytes;
        InputPauseBytes = Math.Max(DefaultInputPauseBytes, 2 * (options.MaxLineBytes + 2));
        // Inline schedulers: the receive loop's flush runs the session's handling on the same
        // thread (no thread-pool hop, and no work item allocated per hop as the default has).
        _input = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: InputPauseBytes,
            resumeWriterThreshold: InputPauseBytes / 2,
            minimumSegmentSize: SegmentBytes,
            useSynchronizationContext: false));
        _reader = _input.Reader;
        _writer = PipeWriter.Create(new NetworkStream(socket, ownsSocket: false), new StreamPipeWriterOptions(minimumBufferSize: WriteSegmentBytes, leaveOpen: true));
        _lastActivityMs = Environment.TickCount64;
    }

    public int Slot { get; }

    /// <summary>The most unhandled input the session holds before it stops reading the socket.</summary>
    public int InputPauseBytes { get; }

    public Task Completion => _ended.Task;

    /// <summary>When the session last used up input or got rid of its replies (Environment.TickCount64).</summary>
    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    public long PeakBufferedReplyBytes => Volatile.Read(ref _peakBufferedReplyBytes);

    public void Start()
    {
        _receiving = ReceiveAsync();
        _ = RunAsync();
    }

    /// <summary>Finish the requests already read, send their replies, then close.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        _reader.CancelPendingRead();
    }

    /// <summary>Close now, replies or not (idle, or a stop that waited long enough). Any thread.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        try
        {
            // Wakes a pending receive (end of stream) or send (EPIPE) so the loop unwinds.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    /// <summary>Socket to input pipe, until end of stream, an error, or the session is done reading.</summary>
    private async Task ReceiveAsync()
    {
        PipeWriter input = _input.Writer;
        try
        {
            while (true)
            {
                Memory<byte> memory = input.GetMemory(MinimumReceiveBytes);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                input.Advance(received);
                // Runs the session's handling inline; waits here while the session holds
                // InputPauseBytes it has not handled (it is stuck sending to this client).
                FlushResult flushed = await input.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset by the client, or closed by Abort: the session sees the end of its input.
        }
        finally
        {
            // Whatever ended the loop, the session must not wait for input that will never come.
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                ReadResult result = await _reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                long received = buffer.Length;
                bool handledAll;
                do
                {
                    handledAll = HandleLines(ref buffer);
                    long buffered = _writer.UnflushedBytes;
                    if (buffered > 0)
                    {
                        if (buffered > _peakBufferedReplyBytes)
                        {
                            Volatile.Write(ref _peakBufferedReplyBytes, buffered);
                        }

                        // Waits for the socket: a client that does not read stalls here, and the
                        // idle sweep closes it if it stays stalled.
                        FlushResult flushed = await _writer.FlushAsync().ConfigureAwait(false);
                        Touch();
                        if (flushed.IsCompleted || flushed.IsCanceled)
                        {
                            return;
                        }
                    }
                }
                while (!handledAll);

                // Activity is input used up (requests, or an over-long line dropped), not bytes
                // arriving: a client that drips a line one byte at a time is idle.
                if (buffer.Length < received)
                {
                    Touch();
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled || _stopRequested)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or was cut off (idle, stop): nothing to report.
            if (_log.IsEnabled(LogLevel.Debug) && Volatile.Read(ref _aborted) == 0)
            {
                _log.Write(LogLevel.Debug, "server: connection closed: " + e.Message);
            }
        }
#pragma warning disable CA1031 // a handler bug must end this session, not the server
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.Error("server: session ended by an error: " + e);
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Handles the complete lines at the start of <paramref name="buffer"/> and slices them off.</summary>
    /// <returns>False when the replies buffered so far reached the flush threshold: flush, then call again.</returns>
    private bool HandleLines(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            switch (_framer.Read(ref buffer, out ReadOnlySpan<byte> line))
            {
                case OperationStatus.Done:
                    _handler.Handle(line, _writer, ref _state);
                    break;
                case OperationStatus.InvalidData:
                    Reply(ServerReplies.LineTooLong);
                    break;
                default:
                    return true;
            }

            if (_writer.UnflushedBytes >= _replyFlushBytes)
            {
                return false;
            }
        }
    }

    private void Reply(ReadOnlySpan<byte> text) => _writer.Write(text);

    private void Touch() => Volatile.Write(ref _lastActivityMs, Environment.TickCount64);

    private async ValueTask CloseAsync()
    {
        // Every normal exit of the loop comes after a flush: what is left unflushed belongs to a
        // client that is gone or cut off. Closing the socket first makes completing the writer
        // fail fast instead of waiting on that client.
        Abort();
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
            await _receiving.ConfigureAwait(false);
            // With an exception the writer drops what is unflushed instead of writing it.
            await _writer.CompleteAsync(s_closed).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the socket is closed already; a failure here has nothing left to tell
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        _server.Remove(this);
        _ended.TrySetResult();
    }
}
