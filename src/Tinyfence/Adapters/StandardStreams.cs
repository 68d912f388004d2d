namespace Tinyfence.Adapters;

/// <summary>
/// The adapters' pipes to and from Apache (fd 0 and 1), unbuffered: each adapter has its own
/// buffer. Not <see cref="Console.OpenStandardOutput()"/>: the console stream ignores EPIPE, so an
/// adapter whose reader Apache dropped would go on working for nothing.
/// </summary>
public static class StandardStreams
{
    public static Stream Input() => Open(0, FileAccess.Read);

    public static Stream Output() => Open(1, FileAccess.Write);

    internal static Stream Open(int fd, FileAccess access) => new DescriptorStream(fd, access);
}
