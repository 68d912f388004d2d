using Tinyfence.Protocol;

namespace Tinyfence.Server;

/// <summary>
/// One client of the event loop: its descriptor, its framer and session state, and what the loop
/// could not finish in one go. A connection owns no buffer while it keeps up: requests are read
/// into the loop's shared input buffer and replies written into its shared output buffer. Only
/// what is left over is held here (<see cref="HeldBytes"/>): the start of a line that has not
/// ended yet, and, while the client does not read, the replies it has not taken and the requests
/// read but not yet handled (at most one input buffer: the loop stops reading a client that does
/// not take its replies).
/// </summary>
internal sealed class Connection(int fd, int slot, uint generation, int maxLineBytes, long nowMs) : ILoopConnection
{
    private HeldBytes _heldInput;
    private HeldBytes _heldOutput;

    public int Fd { get; } = fd;

    public int Slot { get; } = slot;

    /// <summary>Told apart from an earlier connection in the same slot by the loop's event token.</summary>
    public uint Generation { get; } = generation;

    public LineFramer Framer { get; } = new(maxLineBytes);

    public SessionState State;

    /// <summary>When the connection last used up input or got rid of replies; idle is no progress, not no bytes.</summary>
    public long LastActivityMs { get; set; } = nowMs;

    /// <summary>Holds replies the client has not taken: the loop waits for it to read, and reads nothing from it.</summary>
    public bool AwaitingWritable => !_heldOutput.IsEmpty;

    public ReadOnlySpan<byte> HeldOutput => _heldOutput.Span;

    /// <summary>Keeps the replies a send could not take.</summary>
    public void HoldOutput(ReadOnlySpan<byte> unsent) => _heldOutput.Hold(unsent);

    /// <summary>The client took <paramref name="bytes"/> of the held replies; true when none are left.</summary>
    public bool OutputSent(int bytes) => _heldOutput.Consume(bytes);

    /// <summary>Keeps input not handled yet: a line not ended, or requests held back while replies wait.</summary>
    public void HoldInput(ReadOnlySpan<byte> unhandled) => _heldInput.Hold(unhandled);

    /// <summary>Moves the held input to the start of <paramref name="input"/> and gives its array back; returns its length.</summary>
    public int TakeHeldInput(Span<byte> input)
    {
        ReadOnlySpan<byte> held = _heldInput.Span;
        held.CopyTo(input);
        _heldInput.Release();
        return held.Length;
    }

    /// <summary>Gives back what the connection holds; the loop closes the descriptor.</summary>
    public void Release()
    {
        _heldInput.Release();
        _heldOutput.Release();
    }
}
