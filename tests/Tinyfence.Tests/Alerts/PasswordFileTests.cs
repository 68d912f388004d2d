using Tinyfence.Alerts;

namespace Tinyfence.Tests.Alerts;

public sealed class PasswordFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tinyfence-password-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("s3cret\n", "s3cret")]
    [InlineData("s3cret\r\n", "s3cret")]
    [InlineData("s3cret", "s3cret")]
    [InlineData("with spaces  \nsecond line ignored\n", "with spaces  ")]
    [InlineData("pässwörd\n", "pässwörd")]
    public void FirstLineOfAPrivateFileIsThePassword(string content, string expected)
    {
        string path = Write(content, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(expected, PasswordFile.Read(path));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]          // group can read
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherRead, "0404")]          // anyone can read
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite, "0620")] // group can replace it
    public void FileGroupOrOthersMayUseIsRefused(UnixFileMode mode, string shown)
    {
        string path = Write("s3cret\n", mode);

        var error = Assert.Throws<MailConfigurationException>(() => PasswordFile.Read(path));

        Assert.Equal($"password file {path} is refused: its permissions {shown} let group or others read or change it; make it private with 'chmod 600 {path}'", error.Message);
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        string path = Write("\n", UnixFileMode.UserRead);

        Assert.Equal($"password file {path} is empty: write the password on its first line",
            Assert.Throws<MailConfigurationException>(() => PasswordFile.Read(path)).Message);
    }

    [Fact]
    public void MissingFileIsReportedWithItsPath()
    {
        string path = Path.Combine(_directory, "absent");

        Assert.StartsWith($"cannot read the password file {path}: ", Assert.Throws<MailConfigurationException>(() => PasswordFile.Read(path)).Message, StringComparison.Ordinal);
    }

    private string Write(string content, UnixFileMode mode)
    {
        string path = Path.Combine(_directory, "password");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
