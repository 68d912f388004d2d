using System.Text;
using Tinyfence.Hosting.Systemd;

namespace Tinyfence.Tests.Hosting.Systemd;

/// <summary>NOTIFY_SOCKET made into a sockaddr_un, as sd_notify reads it.</summary>
public class NotifyAddressTests
{
    [Fact]
    public void APathIsSentWithItsTerminatingNul()
    {
        byte[]? address = NotifyAddress.Encode("/run/systemd/notify", out string? problem);
        Assert.Null(problem);
        Assert.NotNull(address);
        Assert.Equal(new byte[] { 1, 0 }, address[..2]); // AF_UNIX, in the machine's byte order (little-endian)
        Assert.Equal("/run/systemd/notify\0"u8.ToArray(), address[2..]);
    }

    [Fact]
    public void AnAtSignNamesAnAbstractSocketWhoseLengthEndsIt()
    {
        byte[]? address = NotifyAddress.Encode("@tinyfence/notify", out string? problem);
        Assert.Null(problem);
        Assert.NotNull(address);
        Assert.Equal("\0tinyfence/notify"u8.ToArray(), address[2..]);
    }

    [Fact]
    public void TheLongestPathThatFitsIsAccepted()
    {
        string path = "/" + new string('a', 106); // 107 bytes and the NUL: sun_path's 108
        Assert.NotNull(NotifyAddress.Encode(path, out _));
        Assert.NotNull(NotifyAddress.Encode("@" + new string('a', 107), out _));
    }

    [Theory]
    [InlineData("run/notify", "neither an absolute path")]      // relative: sd_notify refuses it too
    [InlineData("vsock:2:1234", "neither an absolute path")]    // systemd 254's VM transport: not ours
    [InlineData("@", "not a socket name")]                      // an empty abstract name
    [InlineData("/run/a\0b", "not a socket name")]              // a NUL would cut the path short
    public void WhatCannotBeASocketAddressIsRefused(string value, string expected)
    {
        Assert.Null(NotifyAddress.Encode(value, out string? problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ANameLongerThanSunPathIsRefused()
    {
        Assert.Null(NotifyAddress.Encode("/" + new string('a', 107), out string? problem));
        Assert.Contains("longer than a socket name can be", problem, StringComparison.Ordinal);
        Assert.Null(NotifyAddress.Encode("@" + new string('é', 54), out _)); // 108 bytes of UTF-8 and the leading NUL
        Assert.Equal(109, Encoding.UTF8.GetByteCount("\0" + new string('é', 54)));
    }
}
