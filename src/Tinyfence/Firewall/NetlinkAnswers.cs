using System.Runtime.InteropServices;

namespace Tinyfence.Firewall;

/// <summary>
/// Walks the netlink messages of one read: <c>while (Read())</c>, then the current message's
/// type, sequence number, and either its error (an <c>NLMSG_ERROR</c>: 0 is an acknowledgement)
/// or its nf_tables family and attributes. A truncated message ends the walk.
/// </summary>
internal ref struct NetlinkAnswers(ReadOnlySpan<byte> received)
{
    private ReadOnlySpan<byte> _rest = received;

    public ushort Type { get; private set; }

    public uint Sequence { get; private set; }

    /// <summary>The errno of an <c>NLMSG_ERROR</c> (positive), 0 for an acknowledgement.</summary>
    public int Error { get; private set; }

    public byte Family { get; private set; }

    public ReadOnlySpan<byte> Attributes { get; private set; }

    public bool Read()
    {
        ReadOnlySpan<byte> rest = _rest;
        if (rest.Length < NfTables.HeaderBytes)
        {
            return false;
        }

        int length = (int)Math.Min(MemoryMarshal.Read<uint>(rest), int.MaxValue);
        if (length < NfTables.HeaderBytes || length > rest.Length)
        {
            _rest = default;
            return false;
        }

        ReadOnlySpan<byte> message = rest[..length];
        Type = MemoryMarshal.Read<ushort>(message[4..]);
        Sequence = MemoryMarshal.Read<uint>(message[8..]);
        Error = 0;
        Family = 0;
        Attributes = default;
        ReadOnlySpan<byte> body = message[NfTables.HeaderBytes..];
        if (Type == NfTables.NLMSG_ERROR && body.Length >= 4 + NfTables.HeaderBytes)
        {
            // struct nlmsgerr: a negative errno, then the header of the message it answers.
            Error = -MemoryMarshal.Read<int>(body);
            Sequence = MemoryMarshal.Read<uint>(body[(4 + 8)..]);
        }
        else if (body.Length >= NfTables.GenHeaderBytes)
        {
            Family = body[0];
            Attributes = body[NfTables.GenHeaderBytes..];
        }

        int padded = (length + 3) & ~3;
        _rest = padded >= rest.Length ? default : rest[padded..];
        return true;
    }
}
