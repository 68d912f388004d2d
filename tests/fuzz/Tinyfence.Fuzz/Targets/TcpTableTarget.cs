using System.Buffers;
using Tinyfence.Proc;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// /proc/net/tcp and tcp6, which the daemon reads in chunks: counting the input in chunks of any
/// size (the tail carried over, as <see cref="ProcReader"/> does) gives the same counts and the
/// same verdict as counting it in one block.
/// </summary>
public static class TcpTableTarget
{
    // Port 80 listed twice: each index is counted.
    private static readonly ushort[] s_ports = [80, 443, 80, 8080];

    public static void Run(ReadOnlySpan<byte> input)
    {
        // The first byte picks the chunk size, so the fuzzer also explores where lines are cut.
        int chunkSize = input.IsEmpty ? 1 : 1 + (input[0] % 64);
        Span<int> whole = stackalloc int[s_ports.Length];
        OperationStatus wholeStatus = TcpTableParser.CountEstablished(input, isFinalBlock: true, s_ports, whole, out int consumed);
        InvariantViolationException.Check(consumed >= 0 && consumed <= input.Length, "net/tcp consumes no more than it was given");
        InvariantViolationException.Check(wholeStatus != OperationStatus.NeedMoreData, "a final block never needs more data");
        InvariantViolationException.Check(wholeStatus != OperationStatus.Done || consumed == input.Length, "done means everything was consumed");

        Span<int> chunked = stackalloc int[s_ports.Length];
        OperationStatus chunkedStatus = CountInChunks(input, chunkSize, chunked);
        InvariantViolationException.Check(chunkedStatus == wholeStatus && whole.SequenceEqual(chunked),
            "net/tcp read in chunks counts what it counts in one block");
    }

    private static OperationStatus CountInChunks(ReadOnlySpan<byte> input, int chunkSize, Span<int> counts)
    {
        byte[] carried = [];
        int position = 0;
        while (true)
        {
            int take = Math.Min(chunkSize, input.Length - position);
            byte[] buffer = [.. carried, .. input.Slice(position, take)];
            position += take;
            bool final = position == input.Length;
            OperationStatus status = TcpTableParser.CountEstablished(buffer, final, s_ports, counts, out int consumed);
            InvariantViolationException.Check(consumed >= 0 && consumed <= buffer.Length, "net/tcp consumes no more than it was given");
            if (status == OperationStatus.InvalidData || final)
            {
                return status;
            }

            carried = buffer[consumed..];
        }
    }
}
