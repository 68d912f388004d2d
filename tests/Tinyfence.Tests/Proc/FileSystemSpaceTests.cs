using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class FileSystemSpaceTests
{
    [Fact]
    public void ReadsTheSizesOfTheRootFileSystem()
    {
        byte[] path = FileSystemSpace.EncodePath("/");
        ReadResult result = FileSystemSpace.Read(path, out SpaceInfo space);
        Assert.True(result.IsOk, result.Describe());
        Assert.True(space.TotalBytes > 0);
        Assert.True(space.FreeBytes <= space.TotalBytes);
        Assert.True(space.AvailableBytes <= space.FreeBytes);
        Assert.Equal(space.TotalBytes - space.FreeBytes, space.UsedBytes);

        var drive = new DriveInfo("/");
        Assert.Equal(drive.TotalSize, (long)space.TotalBytes);
    }

    [Fact]
    public void AMissingPathIsMissingNotZeroSpace()
    {
        ReadResult result = FileSystemSpace.Read(FileSystemSpace.EncodePath("/nonexistent/mount/point"), out SpaceInfo space);
        Assert.Equal(ReadStatus.Missing, result.Status);
        Assert.Equal(default, space);
    }

    [Fact]
    public void APathWithoutItsNulTerminatorIsAProgrammingError() =>
        Assert.Throws<ArgumentException>(() => FileSystemSpace.Read("/tmp"u8, out _));

    [Fact]
    public void UsedIsZeroWhenAFileSystemReportsMoreFreeThanTotal() =>
        Assert.Equal(0UL, new SpaceInfo { TotalBytes = 10, FreeBytes = 20 }.UsedBytes);

    [Theory]
    [InlineData(0UL, 4096UL, 0UL)]
    [InlineData(1000UL, 4096UL, 4_096_000UL)]
    [InlineData(ulong.MaxValue / 4096, 4096UL, ulong.MaxValue / 4096 * 4096)]
    [InlineData(ulong.MaxValue / 4096 + 1, 4096UL, ulong.MaxValue)]
    public void BlockCountsTimesUnitSaturateInsteadOfWrapping(ulong count, ulong unit, ulong expected) =>
        Assert.Equal(expected, FileSystemSpace.SaturatingMultiply(count, unit));

    [Fact]
    public void ReadingSpaceAllocatesNothing()
    {
        byte[] path = FileSystemSpace.EncodePath("/");
        for (int i = 0; i < 100; i++)
        {
            FileSystemSpace.Read(path, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5000; i++)
        {
            FileSystemSpace.Read(path, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
