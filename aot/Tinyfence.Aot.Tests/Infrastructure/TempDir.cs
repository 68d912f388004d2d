namespace Tinyfence.Aot.Tests.Infrastructure;

/// <summary>A scratch directory removed when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("tinyfence-aot-").FullName;

    public string Path { get; }

    public string Write(string name, string text)
    {
        string file = System.IO.Path.Combine(Path, name);
        // Write then rename, so a daemon reloading on SIGHUP never reads a half-written file.
        File.WriteAllText(file + ".tmp", text);
        File.Move(file + ".tmp", file, overwrite: true);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
