namespace Tinyfence.Tests.Support;

/// <summary>Paths into the repository (fixtures), found from the test assembly's location.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Fixture(params string[] parts) => Path.Combine([Root, "fixtures", .. parts]);

    private static string FindRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Tinyfence.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Tinyfence.sln not found above " + AppContext.BaseDirectory);
    }
}
