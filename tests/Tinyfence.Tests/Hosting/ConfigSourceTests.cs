using Tinyfence.Config;
using Tinyfence.Hosting;

namespace Tinyfence.Tests.Hosting;

public sealed class ConfigSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-source-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (TinyfenceConfig? Config, DiagnosticBag Diagnostics) Load(string text)
    {
        string path = Path.Combine(_dir, "t.conf");
        File.WriteAllText(path, text);
        var diagnostics = new DiagnosticBag();
        return (new ConfigSource([path]).Load(diagnostics), diagnostics);
    }

    [Fact]
    public void APasswordFileOthersCanReadIsReportedWhenTheConfigIsLoaded()
    {
        string password = Path.Combine(_dir, "smtp-password");
        File.WriteAllText(password, "secret\n");
        File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load($$"""
            mail { server "s" from "a@example.com" to "b@example.com" user "u" password-file "{{password}}" }
            rule "r" { la1 > 1 } mail
            """);

        // A warning: the rules run, and mail waits in the queue until the file is fixed.
        Assert.NotNull(config);
        Diagnostic warning = Assert.Single(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("permissions 0644 let group or others read or change it", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, warning.Location.Line);
    }

    [Fact]
    public void AnAddressTheMailLibraryCannotParseIsAnError()
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load("""
            mail { server "s" from "a@@example.com" to "b@example.com" }
            rule "r" { la1 > 1 } mail
            """);
        Assert.Null(config);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Error && d.Message.StartsWith("mail: sender ", StringComparison.Ordinal));
    }
}
