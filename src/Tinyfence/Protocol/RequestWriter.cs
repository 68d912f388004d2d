using System.Buffers.Text;
using System.Text;
using Tinyfence.Table;

namespace Tinyfence.Protocol;

/// <summary>
/// Writes request lines: the client side of <see cref="RequestParser"/>, for the adapters and
/// <c>tinyfence score</c>. <see cref="Hit"/> is the adapters' hot path and writes into the caller's
/// span without allocating.
/// </summary>
public static class RequestWriter
{
    /// <summary>The longest <c>HIT table address points</c> line, newline included.</summary>
    public const int MaxHitLength = 4 + TableSpec.MaxNameLength + 1 + IpKey.MaxTextLength + 1 + 10 + 1;

    /// <summary>Asks for no replies to HIT, SET and DEL on this connection.</summary>
    public static ReadOnlySpan<byte> Quiet => "QUIET\n"u8;

    /// <summary>Writes <c>HIT table address points\n</c>; returns its length.</summary>
    /// <param name="table">The table's name in ASCII (<see cref="TableName"/>).</param>
    /// <param name="destination">At least <see cref="MaxHitLength"/> bytes.</param>
    public static int Hit(ReadOnlySpan<byte> table, IpKey key, int points, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(table.Length, TableSpec.MaxNameLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
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

    /// <summary>A table name as the bytes <see cref="Hit"/> takes, once per adapter.</summary>
    public static byte[] TableName(string table) =>
        TableSpec.IsValidName(table) ? Encoding.ASCII.GetBytes(table) : throw new ArgumentException($"'{table}' is not a table name ({TableSpec.NameRule})", nameof(table));

    /// <summary>
    /// A request line from its words (<c>tinyfence score</c>'s operands), newline included; null
    /// when a word is empty or holds a blank, a control or a non-ASCII character, which would make
    /// it another word, or another request, on the wire.
    /// </summary>
    public static byte[]? Words(IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            return null;
        }

        foreach (string word in words)
        {
            if (word.Length == 0 || word.AsSpan().ContainsAnyExceptInRange('!', '~'))
            {
                return null;
            }
        }

        return Encoding.ASCII.GetBytes(string.Join(' ', words) + "\n");
    }
}
