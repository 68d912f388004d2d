using System.Text;

namespace Tinyfence.Tests.Proc;

/// <summary>Locates the fake /proc trees of fixtures/proc and builds throwaway ones.</summary>
internal static class ProcFixtures
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Tree(string name) => Path.Combine(Root, name);

    /// <summary>Text as bytes, each char one byte (so "\xff" stays one byte 0xFF).</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "fixtures", "proc");
            if (Directory.Exists(Path.Combine(candidate, "idle")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("fixtures/proc not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>An empty temporary directory to use as a proc root, deleted on dispose.</summary>
internal sealed class TempProcTree : IDisposable
{
    public TempProcTree()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tinyfence-proc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Write(string relative, string content)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public void CreateDirectory(string relative) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relative));

    public void Delete(string relative)
    {
        string full = System.IO.Path.Combine(Path, relative);
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }
        else
        {
            File.Delete(full);
        }
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
