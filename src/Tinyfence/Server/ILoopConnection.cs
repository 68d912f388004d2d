namespace Tinyfence.Server;

/// <summary>What a connection of an event loop is to its <see cref="ConnectionTable{T}"/>.</summary>
internal interface ILoopConnection
{
    int Fd { get; }

    int Slot { get; }

    /// <summary>Told apart from an earlier connection in the same slot by the loop's event token.</summary>
    uint Generation { get; }

    /// <summary><see cref="Environment.TickCount64"/> at its last progress, for the idle sweep.</summary>
    long LastActivityMs { get; set; }

    /// <summary>Output a send could not take; the loop waits for room and reads nothing meanwhile.</summary>
    ReadOnlySpan<byte> HeldOutput { get; }

    /// <summary>Keeps the output a send could not take.</summary>
    void HoldOutput(ReadOnlySpan<byte> unsent);

    /// <summary>The client took <paramref name="bytes"/> of the held output; true when none is left.</summary>
    bool OutputSent(int bytes);

    /// <summary>Gives back the buffers; the table closes the descriptor.</summary>
    void Release();
}
