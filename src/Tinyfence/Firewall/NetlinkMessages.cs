using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tinyfence.Firewall;

/// <summary>
/// A batch of nf_tables netlink messages written into one buffer, sent with one <c>send</c>:
/// the kernel applies a batch whole or not at all. Headers are in host order, nf_tables values
/// big-endian, every attribute padded to 4 bytes. The buffer is made once and grows only when a
/// batch needs more (a whole set replaced); writing never allocates otherwise.
/// </summary>
internal sealed class NetlinkMessages(int initialBytes)
{
    private byte[] _buffer = new byte[initialBytes];
    private int _message = -1;
    private int _lastMessage = -1;

    /// <summary>Bytes written.</summary>
    public int Length { get; private set; }

    /// <summary>The sequence number of the next message.</summary>
    public uint NextSequence { get; private set; } = 1;

    /// <summary>The sequence number of the first message of the batch being written.</summary>
    public uint FirstSequence { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>
    /// Makes room for <paramref name="bytes"/> more, keeping what is written: a batch that holds a
    /// whole set grows the buffer to it once; later batches of that size allocate nothing.
    /// </summary>
    private void Reserve(int bytes)
    {
        if (Length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes));
        }
    }

    public void Clear()
    {
        Length = 0;
        _message = -1;
        _lastMessage = -1;
        FirstSequence = NextSequence;
    }

    /// <summary>Starts a batch: what follows, up to <see cref="EndBatch"/>, is one transaction.</summary>
    public void BeginBatch()
    {
        Clear();
        Begin(NfTables.NFNL_MSG_BATCH_BEGIN, NfTables.NLM_F_REQUEST, NfTables.NFPROTO_UNSPEC, NfTables.NFNL_SUBSYS_NFTABLES);
        End();
    }

    /// <summary>
    /// Ends the batch. Only its last message asks for an acknowledgement: errors are reported for
    /// every message anyway, and one answer per message could overflow the receive buffer.
    /// </summary>
    public void EndBatch()
    {
        if (_lastMessage >= 0)
        {
            ushort flags = MemoryMarshal.Read<ushort>(_buffer.AsSpan(_lastMessage + 6));
            MemoryMarshal.Write(_buffer.AsSpan(_lastMessage + 6), (ushort)(flags | NfTables.NLM_F_ACK));
        }

        Begin(NfTables.NFNL_MSG_BATCH_END, NfTables.NLM_F_REQUEST, NfTables.NFPROTO_UNSPEC, NfTables.NFNL_SUBSYS_NFTABLES);
        End();
    }

    /// <summary>Starts an nf_tables message.</summary>
    public void Begin(ushort message, ushort flags, byte family)
    {
        Begin(NfTables.Type(message), (ushort)(flags | NfTables.NLM_F_REQUEST), family, 0);
        _lastMessage = _message;
    }

    /// <summary>The sequence number of the message that asks for the acknowledgement.</summary>
    public uint AcknowledgedSequence => NextSequence - 2;

    /// <summary>Ends the message begun last: its length is known now.</summary>
    public void End()
    {
        WriteNative(_message, (uint)(Length - _message));
        _message = -1;
    }

    public void String(ushort type, ReadOnlySpan<byte> nulTerminated) => Bytes(type, nulTerminated);

    public void UInt32(ushort type, uint value)
    {
        Span<byte> be = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(be, value);
        Bytes(type, be);
    }

    public void UInt64(ushort type, ulong value)
    {
        Span<byte> be = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(be, value);
        Bytes(type, be);
    }

    public void Byte(ushort type, byte value) => Bytes(type, [value]);

    /// <summary>An attribute holding <paramref name="value"/>, padded to 4 bytes.</summary>
    public void Bytes(ushort type, ReadOnlySpan<byte> value)
    {
        int total = NfTables.AttributeHeaderBytes + value.Length;
        Reserve(total + 3);
        int start = Length;
        WriteAttributeHeader(start, (ushort)total, type);
        value.CopyTo(_buffer.AsSpan(start + NfTables.AttributeHeaderBytes));
        Pad(start + total);
    }

    /// <summary>Starts a nested attribute; <see cref="EndNest"/> with what this returns closes it.</summary>
    public int BeginNest(ushort type)
    {
        Reserve(NfTables.AttributeHeaderBytes);
        int start = Length;
        WriteAttributeHeader(start, NfTables.AttributeHeaderBytes, (ushort)(type | NfTables.NLA_F_NESTED));
        Length = start + NfTables.AttributeHeaderBytes;
        return start;
    }

    public void EndNest(int start) => MemoryMarshal.Write(_buffer.AsSpan(start), (ushort)(Length - start));

    private void Begin(ushort type, ushort flags, byte family, ushort resourceId)
    {
        Reserve(NfTables.HeaderBytes + NfTables.GenHeaderBytes);
        int start = Length;
        Span<byte> header = _buffer.AsSpan(start, NfTables.HeaderBytes + NfTables.GenHeaderBytes);
        header.Clear();
        MemoryMarshal.Write(header[4..], type);
        MemoryMarshal.Write(header[6..], flags);
        MemoryMarshal.Write(header[8..], NextSequence++);
        header[16] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header[18..], resourceId);
        _message = start;
        Length = start + header.Length;
    }

    private void WriteAttributeHeader(int at, ushort length, ushort type)
    {
        MemoryMarshal.Write(_buffer.AsSpan(at), length);
        MemoryMarshal.Write(_buffer.AsSpan(at + 2), type);
    }

    private void WriteNative(int at, uint value) => MemoryMarshal.Write(_buffer.AsSpan(at), value);

    private void Pad(int end)
    {
        int padded = (end + 3) & ~3;
        _buffer.AsSpan(end, padded - end).Clear();
        Length = padded;
    }
}
