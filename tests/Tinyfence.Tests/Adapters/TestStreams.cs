namespace Tinyfence.Tests.Adapters;

/// <summary>
/// A body of a given length made up on the fly (form-like text from a fixed cycle), so a 50 MB
/// body costs no memory in the test itself. Optionally ends with a given tail.
/// </summary>
internal sealed class GeneratedBodyStream(long length, byte[]? tail = null) : Stream
{
    private static readonly byte[] s_text = "comment=Hello+there%2C+this+is+a+perfectly+ordinary+message+about+gardening&name=J%C3%BCrgen+M&email=j%40example.org&"u8.ToArray();
    private readonly byte[] _tail = tail ?? [];
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length + _tail.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = 0;
        while (n < buffer.Length && _position < Length)
        {
            if (_position < length)
            {
                int index = (int)(_position % s_text.Length);
                int take = (int)Math.Min(Math.Min(buffer.Length - n, s_text.Length - index), length - _position);
                s_text.AsSpan(index, take).CopyTo(buffer[n..]);
                n += take;
                _position += take;
            }
            else
            {
                int index = (int)(_position - length);
                int take = Math.Min(buffer.Length - n, _tail.Length - index);
                _tail.AsSpan(index, take).CopyTo(buffer[n..]);
                n += take;
                _position += take;
            }
        }

        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Counts and checksums what is written, keeping nothing; can fail after some bytes like a closed pipe.</summary>
internal sealed class CountingSink(long failAfterBytes = long.MaxValue, bool failFlush = false) : Stream
{
    public long Written { get; private set; }
    public ulong Checksum { get; private set; }
    public int Writes { get; private set; }
    public int Flushes { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Written + buffer.Length > failAfterBytes)
        {
            throw new IOException("Broken pipe");
        }

        Writes++;
        Written += buffer.Length;
        foreach (byte b in buffer)
        {
            Checksum = (Checksum * 31) + b;
        }
    }

    public override void Flush()
    {
        Flushes++;
        if (failFlush)
        {
            throw new IOException("Broken pipe");
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public static ulong ChecksumOf(Stream input)
    {
        var sink = new CountingSink();
        input.CopyTo(sink);
        return sink.Checksum;
    }
}

/// <summary>Fails on the read after the first <paramref name="goodReads"/> reads, like a reset connection.</summary>
internal sealed class FailingInput(byte[] chunk, int goodReads) : Stream
{
    private int _reads;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_reads++ >= goodReads)
        {
            throw new IOException("Connection reset by peer");
        }

        int n = Math.Min(buffer.Length, chunk.Length);
        chunk.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
