using System.Buffers;
using System.Buffers.Text;

namespace Tinyfence.Proc;

/// <summary>
/// Counts ESTABLISHED sockets by local port in <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>:
/// <code>
///   sl  local_address rem_address   st tx_queue rx_queue …
///    0: 0100007F:0050 0100007F:D2F4 01 00000000:00000000 …
///    0: 00000000000000000000000001000000:01BB 00000000000000000000000001000000:A3C2 01 …
/// </code>
/// Addresses are 8 (IPv4) or 32 (IPv6) hex digits, ports 4 hex digits in host order, the state 2
/// hex digits (01 ESTABLISHED, 06 TIME_WAIT, 0A LISTEN…). Only the LOCAL port is matched: a
/// connection this host opened to a remote port 80 is not a client of its web server.
/// </summary>
/// <remarks>
/// The file can be megabytes on a busy server, so it is read in chunks and a line may be cut
/// across two of them. <see cref="CountEstablished"/> consumes whole lines only and reports how
/// many bytes it consumed; the caller keeps the tail and puts it in front of the next chunk
/// (the Kestrel/Pipelines shape). It holds no state between calls.
/// </remarks>
public static class TcpTableParser
{
    private const byte EstablishedState = 0x01;

    private static readonly SearchValues<byte> s_hexDigits = SearchValues.Create("0123456789ABCDEFabcdef"u8);

    /// <summary>
    /// Counts the ESTABLISHED lines of <paramref name="data"/> whose local port is
    /// <c>localPorts[i]</c>, adding to <c>counts[i]</c> (a port listed twice is counted at both
    /// indexes). The header line and blank lines are skipped.
    /// </summary>
    /// <param name="isFinalBlock">
    /// True when no more data follows: an unterminated last line is then parsed too, instead of
    /// being left for the next chunk.
    /// </param>
    /// <param name="bytesConsumed">
    /// The length of the whole lines consumed. On <see cref="OperationStatus.NeedMoreData"/> the
    /// rest is the start of a line the next chunk completes; on
    /// <see cref="OperationStatus.InvalidData"/> it is where the bad line starts.
    /// </param>
    /// <returns>
    /// <see cref="OperationStatus.Done"/> when everything was consumed,
    /// <see cref="OperationStatus.NeedMoreData"/> when an incomplete line is left,
    /// <see cref="OperationStatus.InvalidData"/> at the first line that is not a socket line.
    /// </returns>
    public static OperationStatus CountEstablished(
        ReadOnlySpan<byte> data,
        bool isFinalBlock,
        ReadOnlySpan<ushort> localPorts,
        Span<int> counts,
        out int bytesConsumed)
    {
        if (counts.Length < localPorts.Length)
        {
            ProcThrowHelper.ThrowCountsShorterThanPorts();
        }

        int position = 0;
        while (position < data.Length)
        {
            ReadOnlySpan<byte> rest = data[position..];
            int end = rest.IndexOf(ProcText.NewLine);
            ReadOnlySpan<byte> line;
            int lineLength;
            if (end >= 0)
            {
                line = rest[..end];
                lineLength = end + 1;
            }
            else if (isFinalBlock)
            {
                line = rest;
                lineLength = rest.Length;
            }
            else
            {
                bytesConsumed = position;
                return OperationStatus.NeedMoreData;
            }

            if (!TryCountLine(line, localPorts, counts))
            {
                bytesConsumed = position;
                return OperationStatus.InvalidData;
            }

            position += lineLength;
        }

        bytesConsumed = position;
        return OperationStatus.Done;
    }

    /// <summary>Parses one line (without its '\n'); false if it is neither a socket, a header nor blank.</summary>
    internal static bool TryParseLine(ReadOnlySpan<byte> line, out bool isSocket, out ushort localPort, out byte state)
    {
        isSocket = false;
        localPort = 0;
        state = 0;
        if (!line.IsEmpty && line[^1] == ProcText.CarriageReturn)
        {
            line = line[..^1];
        }

        line = ProcText.TrimStartBlanks(line);
        if (line.IsEmpty)
        {
            return true;
        }

        // The header: "  sl  local_address rem_address   st …".
        if (line.StartsWith("sl"u8) && (line.Length == 2 || ProcText.IsBlank(line[2])))
        {
            return true;
        }

        // "0: " – the slot number.
        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[..colon].ContainsAnyExceptInRange((byte)'0', (byte)'9')
            || line.Length == colon + 1 || !ProcText.IsBlank(line[colon + 1]))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line[(colon + 1)..]);
        if (!TryReadEndpoint(ref line, out localPort))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        if (!TryReadEndpoint(ref line, out _))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        if (line.Length < 2 || (line.Length > 2 && !ProcText.IsBlank(line[2]))
            || !Utf8Parser.TryParse(line[..2], out state, out int consumed, 'X') || consumed != 2)
        {
            localPort = 0;
            state = 0;
            return false;
        }

        isSocket = true;
        return true;
    }

    private static bool TryCountLine(ReadOnlySpan<byte> line, ReadOnlySpan<ushort> localPorts, Span<int> counts)
    {
        if (!TryParseLine(line, out bool isSocket, out ushort localPort, out byte state))
        {
            return false;
        }

        if (isSocket && state == EstablishedState)
        {
            for (int i = 0; i < localPorts.Length; i++)
            {
                if (localPorts[i] == localPort)
                {
                    counts[i]++;
                }
            }
        }

        return true;
    }

    // "0100007F:0050" or "00000000000000000000000001000000:01BB", followed by a blank.
    private static bool TryReadEndpoint(ref ReadOnlySpan<byte> text, out ushort port)
    {
        port = 0;
        int colon = text.IndexOf((byte)':');
        if ((colon != 8 && colon != 32) || text[..colon].ContainsAnyExcept(s_hexDigits))
        {
            return false;
        }

        ReadOnlySpan<byte> portText = text[(colon + 1)..];
        if (portText.Length < 5 || !ProcText.IsBlank(portText[4]) || portText[..4].ContainsAnyExcept(s_hexDigits)
            || !Utf8Parser.TryParse(portText[..4], out port, out int consumed, 'X') || consumed != 4)
        {
            port = 0;
            return false;
        }

        text = portText[4..];
        return true;
    }
}
