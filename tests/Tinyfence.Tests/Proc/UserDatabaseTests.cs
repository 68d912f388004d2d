using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class UserDatabaseTests
{
    private const string Passwd =
        "root:x:0:0:root:/root:/bin/bash\n" +
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
        "# a comment: www:x:1:1\n" +
        "+nisuser::::::\n" +
        "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n" +
        "www:x:8080:8080::/srv/www:/bin/sh\n" +
        "broken:x:notanumber:0::/:/bin/sh\n" +
        "short:x\n" +
        "mysql:x:106:112:MySQL Server,,,:/nonexistent:/bin/false\n" +
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" +
        "root:x:999:0:a second root is ignored:/:/bin/sh\n" +
        "émile:x:1001:1001::/home/emile:/bin/sh\n" +
        "last:x:4294967294:0::/:/bin/sh";

    [Theory]
    [InlineData("root", 0u)]
    [InlineData("www-data", 33u)]
    [InlineData("www", 8080u)]             // a prefix of "www-data" and a name in a comment do not shadow it
    [InlineData("mysql", 106u)]
    [InlineData("nobody", 65534u)]
    [InlineData("émile", 1001u)]           // names are compared as UTF-8
    [InlineData("last", 4294967294u)]      // the last line needs no newline
    public void FindsTheUidOfAUser(string name, uint expected)
    {
        Assert.True(UserDatabase.TryParseUid(System.Text.Encoding.UTF8.GetBytes(Passwd), name, out uint uid));
        Assert.Equal(expected, uid);
    }

    [Theory]
    [InlineData("", "an empty name")]
    [InlineData("Root", "names are case-sensitive")]
    [InlineData("www-dat", "a prefix of a name")]
    [InlineData("www-data:x", "a name with a colon would match across fields")]
    [InlineData("broken", "a line whose uid is not a number")]
    [InlineData("short", "a line without a uid field")]
    [InlineData("nisuser", "NIS compat entries need NSS")]
    [InlineData("+nisuser", "NIS compat entries need NSS")]
    [InlineData("# a comment", "a comment")]
    [InlineData("ghost", "a user that does not exist")]
    public void DoesNotFindWhatIsNotAUser(string name, string why)
    {
        Assert.False(UserDatabase.TryParseUid(System.Text.Encoding.UTF8.GetBytes(Passwd), name, out uint uid), why);
        Assert.Equal(0u, uid);
    }

    [Fact]
    public void ACarriageReturnEndedFileResolvesToo()
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes("root:x:0:0::/:/bin/sh\r\nwww-data:x:33:33::/var/www:/bin/sh\r\n");
        Assert.True(UserDatabase.TryParseUid(text, "www-data", out uint uid));
        Assert.Equal(33u, uid);
    }

    [Fact]
    public void AUidFieldThatIsTheLastFieldResolves()
    {
        Assert.True(UserDatabase.TryParseUid("odd:x:77"u8, "odd", out uint uid));
        Assert.Equal(77u, uid);
    }

    [Fact]
    public void AHugeNameIsRefusedWithoutScanning()
    {
        Assert.False(UserDatabase.TryParseUid(System.Text.Encoding.UTF8.GetBytes(Passwd), new string('a', 100_000), out _));
    }

    [Fact]
    public void ResolvesFromAFile()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Passwd);
            Assert.True(UserDatabase.TryResolveUid("www-data", out uint uid, path));
            Assert.Equal(33u, uid);
            Assert.False(UserDatabase.TryResolveUid("ghost", out _, path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingPasswdFileResolvesNothingAndDoesNotThrow()
    {
        Assert.False(UserDatabase.TryResolveUid("root", out uint uid, "/nonexistent/passwd"));
        Assert.Equal(0u, uid);
    }

    [Fact]
    public void ResolvesRootFromThisMachinesPasswd()
    {
        Assert.True(UserDatabase.TryResolveUid("root", out uint uid));
        Assert.Equal(0u, uid);
    }
}
