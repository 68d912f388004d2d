using Tinyfence.Interop;
using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class ReadResultTests
{
    [Theory]
    [InlineData(Errno.ENOENT, ReadStatus.Missing)]
    [InlineData(Errno.ENOTDIR, ReadStatus.Missing)]
    [InlineData(Errno.EOPNOTSUPP, ReadStatus.Unsupported)]
    [InlineData(Errno.EACCES, ReadStatus.Failed)]
    [InlineData(Errno.EIO, ReadStatus.Failed)]
    [InlineData(Errno.ESRCH, ReadStatus.Failed)]
    public void ClassifiesErrnos(int errno, ReadStatus expected)
    {
        ReadResult result = ReadResult.FromErrno(errno);
        Assert.Equal(expected, result.Status);
        Assert.Equal(errno, result.Errno);
        Assert.False(result.IsOk);
    }

    [Fact]
    public void OkIsTheDefaultValue()
    {
        Assert.True(ReadResult.Ok.IsOk);
        Assert.Equal(default, ReadResult.Ok);
    }

    [Fact]
    public void DescribesEachOutcome()
    {
        Assert.Equal("ok", ReadResult.Ok.Describe());
        Assert.Equal("no such file", ReadResult.FromErrno(Errno.ENOENT).Describe());
        Assert.Equal("not supported by this kernel (EOPNOTSUPP)", ReadResult.FromErrno(Errno.EOPNOTSUPP).Describe());
        Assert.Equal("malformed content", ReadResult.Malformed.Describe());
        Assert.Equal("read failed: errno 13", ReadResult.FromErrno(Errno.EACCES).Describe());
    }
}
