using System.IO.Pipes;
using Tinyfence.Adapters;

namespace Tinyfence.Tests.Adapters;

public class DescriptorStreamTests
{
    [Fact]
    public void WhatOneEndWritesTheOtherReadsUntilTheWriterCloses()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var reader = new DescriptorStream((int)pipe.ClientSafePipeHandle.DangerousGetHandle(), FileAccess.Read);
        var writer = new DescriptorStream((int)pipe.SafePipeHandle.DangerousGetHandle(), FileAccess.Write);

        writer.Write("body"u8);
        byte[] buffer = new byte[16];
        Assert.Equal(4, reader.Read(buffer));
        Assert.Equal("body"u8.ToArray(), buffer[..4]);

        pipe.Dispose();   // the only write end: the reader sees the end of its input
        Assert.Equal(0, reader.Read(buffer));
        pipe.DisposeLocalCopyOfClientHandle();
    }

    [Fact]
    public void ItNeitherSeeksNorClosesTheDescriptor()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var writer = new DescriptorStream((int)pipe.SafePipeHandle.DangerousGetHandle(), FileAccess.Write);

        Assert.True(writer.CanWrite);
        Assert.False(writer.CanRead);
        Assert.False(writer.CanSeek);
        Assert.Throws<NotSupportedException>(() => writer.Position);
        writer.Dispose();
        pipe.Write("still open"u8);   // the descriptor belongs to the process, not to the stream
    }
}
