using Tinyfence.Hosting;

namespace Tinyfence.Tests.Hosting;

/// <summary>Root refuses configs that other users could change (the checks apply whoever runs them).</summary>
public sealed class ConfigSafetyTests : IDisposable
{
    private readonly string _dir;

    public ConfigSafetyTests()
    {
        _dir = Directory.CreateTempSubdirectory("tinyfence-safety-").FullName;
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(UnixFileMode mode)
    {
        string path = Path.Combine(_dir, "t.conf");
        File.WriteAllText(path, "rule 'x' { la1 > 1 } log");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private const UnixFileMode Rw = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void AFileOnlyItsRootOwnerCanWriteIsSafe()
    {
        if (!ConfigSafety.IsRoot)
        {
            return; // a file made by a non-root test run is owned by that user: the owner check fires
        }

        Assert.Empty(ConfigSafety.Check([Config(Rw | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]));
    }

    [Fact]
    public void AWorldWritableFileIsRefused()
    {
        string path = Config(Rw | UnixFileMode.OtherWrite);
        Assert.Contains(ConfigSafety.Check([path]), p => p.Path == path && p.Reason.StartsWith("config file is ", StringComparison.Ordinal));
    }

    [Fact]
    public void AWorldWritableDirectoryWithoutTheStickyBitIsRefused()
    {
        string path = Config(Rw);
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        Assert.Contains(ConfigSafety.Check([path]), p => p.Path == _dir && p.Reason.StartsWith("directory is ", StringComparison.Ordinal));
    }

    [Fact]
    public void AStickyWorldWritableDirectoryLikeTmpIsAccepted()
    {
        Assert.DoesNotContain(ConfigSafety.Check(["/tmp/x"]), p => p.Path == "/tmp");
    }

    [Fact]
    public void ALinkInASafePlaceToAFileInAnUnsafeOneIsRefused()
    {
        string unsafeDirectory = Path.Combine(_dir, "unsafe");
        Directory.CreateDirectory(unsafeDirectory);
        File.SetUnixFileMode(unsafeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        string target = Path.Combine(unsafeDirectory, "real.conf");
        File.WriteAllText(target, "rule 'x' { la1 > 1 } log");
        string link = Path.Combine(_dir, "link.conf");
        File.CreateSymbolicLink(link, target);
        Assert.Contains(ConfigSafety.Check([link]), p => p.Path == unsafeDirectory);
    }
}
