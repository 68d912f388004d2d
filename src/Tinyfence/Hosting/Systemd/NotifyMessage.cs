using System.Globalization;

namespace Tinyfence.Hosting.Systemd;

/// <summary>
/// One sd_notify datagram being written: <c>NAME=VALUE</c> lines into a fixed buffer. What does
/// not fit is cut off rather than thrown about (the texts are ours and far shorter than the
/// buffer; a cut status line is still better than none).
/// </summary>
internal ref struct NotifyMessage(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public void Append(scoped ReadOnlySpan<byte> text)
    {
        int count = Math.Min(text.Length, _buffer.Length - _length);
        text[..count].CopyTo(_buffer[_length..]);
        _length += count;
    }

    public void Append(long value)
    {
        if (value.TryFormat(_buffer[_length..], out int written, default, CultureInfo.InvariantCulture))
        {
            _length += written;
        }
    }
}
