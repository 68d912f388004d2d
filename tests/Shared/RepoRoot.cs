namespace Tinyfence.Testing;

/// <summary>The repository's root, found from the test assembly's location (both test projects use it).</summary>
internal static class RepoRoot
{
    private static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    public static string Fixture(params string[] parts) => System.IO.Path.Combine([Path, "fixtures", .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Tinyfence.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Tinyfence.sln above {AppContext.BaseDirectory}: the tests must run from the repository");
    }
}
