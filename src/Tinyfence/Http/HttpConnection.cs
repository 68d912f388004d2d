using System.Buffers;
using Tinyfence.Server;

namespace Tinyfence.Http;

/// <summary>
/// One client of the HTTP endpoint's event loop: its descriptor, the request bytes read so far,
/// and the rest of a reply the client could not take at once (<see cref="HeldBytes"/>). Its request
/// buffer comes from the shared pool at connect time and goes back at close: a request allocates
/// nothing.
/// </summary>
internal sealed class HttpConnection : ILoopConnection
{
    /// <summary>The largest request head (request line and headers); a longer one gets 431.</summary>
    public const int MaxRequestHeadBytes = 8192;

    private readonly byte[] _request = ArrayPool<byte>.Shared.Rent(MaxRequestHeadBytes);
    private HeldBytes _heldOutput;

    public HttpConnection(int fd, int slot, uint generation, long nowMs)
    {
        Fd = fd;
        Slot = slot;
        Generation = generation;
        LastActivityMs = nowMs;
    }

    public int Fd { get; }

    public int Slot { get; }

    /// <summary>Told apart from an earlier connection in the same slot by the loop's event token.</summary>
    public uint Generation { get; }

    /// <summary>When the client last sent something or took a reply (Environment.TickCount64).</summary>
    public long LastActivityMs { get; set; }

    /// <summary>The request bytes read and not answered yet, from index 0; <see cref="Filled"/> of them.</summary>
    public Span<byte> Request => _request.AsSpan(0, MaxRequestHeadBytes);

    public int Filled { get; set; }

    /// <summary>The reply asked to close the connection once it is sent.</summary>
    public bool CloseAfterReply { get; set; }

    public ReadOnlySpan<byte> HeldOutput => _heldOutput.Span;

    /// <summary>Drops the answered request of <paramref name="bytes"/> bytes; a pipelined next one moves to the front.</summary>
    public void Consume(int bytes)
    {
        _request.AsSpan(bytes, Filled - bytes).CopyTo(_request);
        Filled -= bytes;
    }

    /// <summary>Keeps the part of a reply a send could not take.</summary>
    public void HoldOutput(ReadOnlySpan<byte> unsent) => _heldOutput.Hold(unsent);

    /// <summary>The client took <paramref name="bytes"/> of the held reply; true when none is left.</summary>
    public bool OutputSent(int bytes) => _heldOutput.Consume(bytes);

    /// <summary>Gives back the buffers; the loop closes the descriptor.</summary>
    public void Release()
    {
        ArrayPool<byte>.Shared.Return(_request);
        _heldOutput.Release();
    }
}
