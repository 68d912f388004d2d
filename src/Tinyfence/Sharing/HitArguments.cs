using Tinyfence.Table;

namespace Tinyfence.Sharing;

/// <summary>
/// Writes the hit script's <c>ADDRESS POINTS AT</c> arguments, three bulk strings a hit, into a
/// span the caller reserved for the whole command: the address and the points formatted in place,
/// the time formatted once a second and copied (a batch's hits share it).
/// </summary>
internal sealed class HitArguments
{
    /// <summary>The most one hit takes: an IPv6 address in its longest form and two numbers.</summary>
    public static readonly int MaxLength = RespWriter.MaxBulkLength(IpKey.MaxTextLength) + (2 * RespWriter.MaxBulkNumberLength);

    private readonly byte[] _atBulk = new byte[RespWriter.MaxBulkNumberLength];
    private int _atBulkLength;
    private uint _at;

    /// <summary>Writes <paramref name="hits"/> into <paramref name="destination"/> (room for <see cref="MaxLength"/> each); returns the bytes written.</summary>
    public int Write(Span<byte> destination, ReadOnlySpan<QueuedHit> hits)
    {
        int written = 0;
        foreach (QueuedHit hit in hits)
        {
            if (hit.At != _at || _atBulkLength == 0)
            {
                _atBulkLength = RespWriter.Bulk(_atBulk, hit.At);
                _at = hit.At;
            }

            Span<byte> rest = destination[written..];
            written += RespWriter.BulkOfValueAt(rest, hit.Key.Format(rest[RespWriter.ShortValueOffset..]));
            written += RespWriter.Bulk(destination[written..], hit.Points);
            _atBulk.AsSpan(0, _atBulkLength).CopyTo(destination[written..]);
            written += _atBulkLength;
        }

        return written;
    }
}
