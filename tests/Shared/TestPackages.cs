using Xunit;

namespace Tinyfence.Testing;

/// <summary>
/// The Debian packages a test needs and <c>make test</c> installs (<c>make test-deps</c>). Where it
/// could not (no root, no password-less sudo), a test that needs one fails saying which and how.
/// </summary>
public static class TestPackages
{
    /// <summary>Fails the test unless <paramref name="path"/> exists, naming the package that provides it.</summary>
    public static void Require(string path, string package, string purpose)
    {
        if (!File.Exists(path))
        {
            Assert.Fail(MissingMessage(path, package, purpose));
        }
    }

    public static string MissingMessage(string path, string package, string purpose) =>
        $"{purpose} need Debian's {package} ({path} is missing): 'make test' installs it as root or with " +
        $"password-less sudo; otherwise run 'sudo make test-deps' (or 'sudo apt-get install {package}')";
}
