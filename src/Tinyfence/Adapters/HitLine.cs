using System.Buffers.Text;
using System.Text;
using Tinyfence.Table;

namespace Tinyfence.Adapters;

/// <summary>Builds the request line <c>HIT table address points\n</c> the adapters send.</summary>
public static class HitLine
{
    public const int MaxLength = 4 + TableSpec.MaxNameLength + 1 + IpKey.MaxTextLength + 1 + 10 + 1;

    public static int Format(ReadOnlySpan<byte> table, IpKey key, int points, Span<byte> destination)
    {
        int at = 0;
        "HIT "u8.CopyTo(destination);
        at += 4;
        table.CopyTo(destination[at..]);
        at += table.Length;
        destination[at++] = (byte)' ';
        at += key.Format(destination[at..]);
        destination[at++] = (byte)' ';
        Utf8Formatter.TryFormat(points, destination[at..], out int written);
        at += written;
        destination[at++] = (byte)'\n';
        return at;
    }

    public static byte[] TableBytes(string table) => Encoding.ASCII.GetBytes(table);
}
