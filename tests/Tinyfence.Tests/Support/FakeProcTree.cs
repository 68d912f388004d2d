using Tinyfence.Testing;
using System.Globalization;

namespace Tinyfence.Tests.Support;

/// <summary>
/// A writable copy of a fixture /proc tree in a temp directory, so a test can change the load or
/// remove a file between two checks. Files are rewritten in place (same inode), as the kernel's
/// are, so a reader that keeps them open sees the new figures.
/// </summary>
internal sealed class FakeProcTree : IDisposable
{
    /// <param name="fixture">The tree of fixtures/proc to start from; null for an empty one.</param>
    public FakeProcTree(string? fixture = "idle")
    {
        Root = Path.Combine(Path.GetTempPath(), "tinyfence-proc-" + Guid.NewGuid().ToString("N"));
        if (fixture is null)
        {
            Directory.CreateDirectory(Root);
        }
        else
        {
            CopyDirectory(RepoRoot.Fixture("proc", fixture), Root);
        }
    }

    public string Root { get; }

    public void SetLoad(double la1, double la5 = 0.5, double la15 = 0.5) =>
        Write("loadavg", string.Create(CultureInfo.InvariantCulture, $"{la1:0.00} {la5:0.00} {la15:0.00} 1/200 4242\n"));

    public void Write(string relativePath, string content)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
        stream.SetLength(0);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(content));
    }

    public void CreateDirectory(string relativePath) => Directory.CreateDirectory(Path.Combine(Root, relativePath));

    public void Delete(string relativePath)
    {
        string path = Path.Combine(Root, relativePath);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
