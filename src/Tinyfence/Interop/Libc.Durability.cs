namespace Tinyfence.Interop;

/// <summary>What a file written by rename needs to survive a crash: the directory's entry flushed too.</summary>
internal static unsafe partial class Libc
{
    /// <summary>Flushes a directory's entries (after a rename into it); best effort, errors ignored.</summary>
    public static void FSyncDirectory(string directory)
    {
        fixed (byte* p = NullTerminated(directory, stackalloc byte[PathMax]))
        {
            int fd = Open(p, O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
            {
                _ = FSync(fd);
                _ = Close(fd);
            }
        }
    }
}
