namespace Tinyfence.Fuzz;

/// <summary>A scratch directory per target and process, for the targets whose parser reads files.</summary>
public static class FuzzDirectory
{
    // In memory where there is /dev/shm: on a disk, writing the input and fsync'ing a snapshot
    // take milliseconds, a hundred times the parsing.
    private const string MemoryDirectory = "/dev/shm";

    /// <summary>Made once per process, removed when the process exits.</summary>
    public static string Create(string target)
    {
        // make fuzz names one it removes: afl-fuzz ends its targets with SIGKILL, before ProcessExit.
        string parent = Environment.GetEnvironmentVariable("TINYFENCE_FUZZ_SCRATCH") is { Length: > 0 } scratch ? scratch
            : Directory.Exists(MemoryDirectory) ? MemoryDirectory : Path.GetTempPath();
        string directory = Directory.CreateDirectory(Path.Combine(parent, $"tinyfence-fuzz-{target}-{Environment.ProcessId}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    }

    public static void Empty(string directory)
    {
        foreach (string file in Directory.GetFiles(directory))
        {
            File.Delete(file);
        }
    }
}
