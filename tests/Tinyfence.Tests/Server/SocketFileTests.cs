using System.Net.Sockets;
using Tinyfence.Hosting;
using Tinyfence.Server;

namespace Tinyfence.Tests.Server;

public sealed class SocketFileTests
{
    [Fact]
    public async Task TheSocketFileGetsTheConfiguredModeAndGroup()
    {
        bool root = ConfigSafety.IsRoot;
        await using var harness = new ServerHarness(configure: o => o with { Mode = 0b110_000_000, Group = root ? 4242 : -1 });
        Assert.True(FileOwnership.TryRead(harness.SocketPath, out FileOwnership ownership, out _));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ownership.Mode);
        if (root)
        {
            Assert.Equal(4242u, ownership.Gid);
        }
    }

    [Fact]
    public async Task TheDefaultModeLetsOwnerAndGroupConnect()
    {
        await using var harness = new ServerHarness();
        Assert.True(FileOwnership.TryRead(harness.SocketPath, out FileOwnership ownership, out _));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, ownership.Mode);
    }

    [Fact]
    public async Task AStaleSocketIsReplaced()
    {
        await using var harness = new ServerHarness(start: false);
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // What a killed server leaves behind: a socket file nobody listens on. (Bound elsewhere
            // and moved, because disposing a .NET socket unlinks the path it bound.)
            string elsewhere = harness.SocketPath + ".tmp";
            stale.Bind(new UnixDomainSocketEndPoint(elsewhere));
            File.Move(elsewhere, harness.SocketPath);
        }

        Assert.True(File.Exists(harness.SocketPath));
        _ = harness.Server.Start();
        using TestClient client = harness.Connect();
        client.Send("ping\n");
        Assert.Equal("PING", client.ReadLine());
    }

    [Fact]
    public async Task ASocketAnotherServerListensOnIsNotTakenOver()
    {
        await using var first = new ServerHarness();
        await using var second = new UnixSocketServer(first.Options, new UpperCaseHandler(), first.Log);
        IOException error = Assert.Throws<IOException>(() => { _ = second.Start(); });
        Assert.Contains("another server is listening", error.Message, StringComparison.Ordinal);

        using TestClient client = first.Connect();
        client.Send("ping\n");
        Assert.Equal("PING", client.ReadLine());
    }

    [Fact]
    public async Task ARegularFileAtTheSocketPathIsNeverDeleted()
    {
        await using var harness = new ServerHarness(start: false);
        File.WriteAllText(harness.SocketPath, "precious");
        IOException error = Assert.Throws<IOException>(() => { _ = harness.Server.Start(); });
        Assert.Contains("is not a socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(harness.SocketPath));
    }

    [Fact]
    public async Task ASymbolicLinkAtTheSocketPathIsNeverFollowedOrDeleted()
    {
        await using var harness = new ServerHarness(start: false);
        string target = Path.Combine(harness.Directory, "target");
        File.WriteAllText(target, "precious");
        File.CreateSymbolicLink(harness.SocketPath, target);
        Assert.Throws<IOException>(() => { _ = harness.Server.Start(); });
        Assert.Equal("precious", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(harness.SocketPath).LinkTarget);
    }

    [Fact]
    public async Task TheSocketFileIsRemovedOnStop()
    {
        await using var harness = new ServerHarness();
        Assert.True(File.Exists(harness.SocketPath));
        await harness.Server.StopAsync();
        Assert.False(File.Exists(harness.SocketPath));
    }

    [Fact]
    public async Task TheSocketFileIsRemovedOnDisposeAtOnce()
    {
        await using var harness = new ServerHarness();
        using TestClient client = harness.Connect();
        harness.Server.Dispose();
        Assert.False(File.Exists(harness.SocketPath));
        Assert.True(client.IsClosedByServer());
    }
}
