using System.Buffers;

namespace Tinyfence.Proc;

public sealed partial class ProcReader
{
    // seq_file returns at most one kernel page per read (4 KiB on x86-64, up to 64 KiB on arm64), so 64 KiB always takes a whole page; below the LOH.
    private const int TcpChunkSize = 64 * 1024;

    private readonly ProcFile _tcp;
    private readonly ProcFile _tcp6;
    private readonly byte[] _tcpChunk = new byte[TcpChunkSize];

    /// <summary>
    /// Counts ESTABLISHED sockets per local port over <c>ROOT/net/tcp</c> and <c>ROOT/net/tcp6</c>
    /// in one pass: <c>counts[i]</c> is for <c>localPorts[i]</c>. Missing only when both files are
    /// (tcp6 alone is missing when IPv6 is disabled). On any other failure the counts are
    /// incomplete and must not be used.
    /// </summary>
    public ReadResult CountEstablished(ReadOnlySpan<ushort> localPorts, Span<int> counts)
    {
        if (counts.Length < localPorts.Length)
        {
            ProcThrowHelper.ThrowCountsShorterThanPorts();
        }

        counts[..localPorts.Length].Clear();
        ReadResult ipv4 = CountEstablishedIn(_tcp, localPorts, counts);
        if (!ipv4.IsOk && ipv4.Status != ReadStatus.Missing)
        {
            return ipv4;
        }

        ReadResult ipv6 = CountEstablishedIn(_tcp6, localPorts, counts);
        if (!ipv6.IsOk && ipv6.Status != ReadStatus.Missing)
        {
            return ipv6;
        }

        return ipv4.IsOk || ipv6.IsOk ? ReadResult.Ok : ipv4;
    }

    private ReadResult CountEstablishedIn(ProcFile file, ReadOnlySpan<ushort> localPorts, Span<int> counts)
    {
        Span<byte> chunk = _tcpChunk;
        long offset = 0;
        int pending = 0;
        while (true)
        {
            ReadResult result = file.ReadAt(offset, chunk[pending..], out int read);
            if (!result.IsOk)
            {
                return result;
            }

            offset += read;
            int available = pending + read;
            bool final = read == 0;
            OperationStatus status = TcpTableParser.CountEstablished(chunk[..available], final, localPorts, counts, out int consumed);
            switch (status)
            {
                case OperationStatus.Done:
                    if (final)
                    {
                        return ReadResult.Ok;
                    }

                    pending = 0;
                    break;

                case OperationStatus.NeedMoreData:
                    pending = available - consumed;
                    if (pending == chunk.Length)
                    {
                        // A "line" longer than the whole buffer is not a socket line.
                        return ReadResult.Malformed;
                    }

                    chunk.Slice(consumed, pending).CopyTo(chunk);
                    break;

                default:
                    return ReadResult.Malformed;
            }
        }
    }
}
