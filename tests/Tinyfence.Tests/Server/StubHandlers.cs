using System.Buffers;
using Tinyfence.Server;
using Tinyfence.Protocol;

namespace Tinyfence.Tests.Server;

/// <summary>
/// Echoes each line upper-cased. <c>QUIET</c> switches the session to no replies; <c>BIG n</c>
/// replies with n 'x' bytes (to fill buffers); <c>THROW</c> throws (a handler bug).
/// </summary>
internal sealed class UpperCaseHandler : ILineHandler
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public void Handle(ReadOnlySpan<byte> line, IBufferWriter<byte> reply, ref SessionState session)
    {
        Interlocked.Increment(ref _requests);
        if (line.SequenceEqual("QUIET"u8))
        {
            session.Quiet = true;
            return;
        }

        if (line.SequenceEqual("THROW"u8))
        {
            throw new InvalidOperationException("handler bug");
        }

        if (session.Quiet)
        {
            return;
        }

        if (line.StartsWith("BIG "u8) && int.TryParse(line[4..], out int size))
        {
            Span<byte> big = reply.GetSpan(size + 1)[..(size + 1)];
            big[..size].Fill((byte)'x');
            big[size] = (byte)'\n';
            reply.Advance(size + 1);
            return;
        }

        Span<byte> span = reply.GetSpan(line.Length + 1);
        for (int i = 0; i < line.Length; i++)
        {
            byte b = line[i];
            span[i] = b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
        }

        span[line.Length] = (byte)'\n';
        reply.Advance(line.Length + 1);
    }
}

/// <summary>
/// The cheapest possible handler, for the allocation measurements: answers PONG and notes how much
/// the thread that called it (the server's loop) has allocated so far. Between two requests that
/// figure moves by what the whole server path allocated: waiting, receiving, framing, sending.
/// </summary>
internal sealed class PongHandler : ILineHandler
{
    private long _allocatedByServerThread;

    public long AllocatedByServerThread => Volatile.Read(ref _allocatedByServerThread);

    public void Handle(ReadOnlySpan<byte> line, IBufferWriter<byte> reply, ref SessionState session)
    {
        reply.Write("PONG\n"u8);
        Volatile.Write(ref _allocatedByServerThread, GC.GetAllocatedBytesForCurrentThread());
    }
}
