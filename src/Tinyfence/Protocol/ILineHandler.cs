using System.Buffers;

namespace Tinyfence.Protocol;

/// <summary>What the socket server does with each request line it reads.</summary>
public interface ILineHandler
{
    /// <summary>
    /// Handles one request line, without its terminator. Writes the reply as complete lines
    /// ending in '\n' (or nothing, for a write in quiet mode). Must not allocate.
    /// </summary>
    void Handle(ReadOnlySpan<byte> line, IBufferWriter<byte> reply, ref SessionState session);
}
