using System.Buffers;

namespace Tinyfence.Server;

/// <summary>
/// Bytes an event loop's connection keeps for later (a reply the client has not taken, input not
/// handled yet), in an array from the shared pool that goes back as soon as they are used up: a
/// connection that keeps up holds nothing. A mutable struct: keep it in a field and call it there.
/// </summary>
internal struct HeldBytes
{
    private byte[]? _array;
    private int _start;
    private int _end;

    public readonly bool IsEmpty => _array is null;

    public readonly ReadOnlySpan<byte> Span => _array.AsSpan(_start, _end - _start);

    /// <summary>Keeps a copy of <paramref name="bytes"/> (nothing when empty); the held bytes before must be used up.</summary>
    public void Hold(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        _array = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(_array);
        _start = 0;
        _end = bytes.Length;
    }

    /// <summary>Drops the first <paramref name="bytes"/>; true when none are left (the array went back).</summary>
    public bool Consume(int bytes)
    {
        _start += bytes;
        if (_start < _end)
        {
            return false;
        }

        Release();
        return true;
    }

    /// <summary>Gives the array back, whatever it still holds.</summary>
    public void Release()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }

        _start = 0;
        _end = 0;
    }
}
