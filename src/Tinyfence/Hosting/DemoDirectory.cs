namespace Tinyfence.Hosting;

/// <summary>
/// The private directory the built-in config's table lives in while <c>tinyfence run</c> runs without
/// a config: under <c>$XDG_RUNTIME_DIR</c> (the user's own tmpfs) when there is one, else under the
/// temp dir; mode 0700; removed with everything in it when the daemon stops.
/// </summary>
public sealed class DemoDirectory : IDisposable
{
    private DemoDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>Where a new one would be made (for <c>check --builtin</c>, which makes none).</summary>
    public static string Placeholder => System.IO.Path.Combine(RuntimeDirectory() ?? System.IO.Path.GetTempPath(), "tinyfence-XXXXXX");

    public static DemoDirectory Create()
    {
        if (RuntimeDirectory() is not { } runtime)
        {
            // mkdtemp: a new directory, mode 0700, never one another user made first.
            return new DemoDirectory(Directory.CreateTempSubdirectory("tinyfence-").FullName);
        }

        string path = System.IO.Path.Combine(runtime, $"tinyfence-{Environment.ProcessId}");
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new DemoDirectory(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the temp dir's own cleanup; nothing else uses it.
        }
    }

    private static string? RuntimeDirectory()
    {
        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime) ? runtime : null;
    }
}
