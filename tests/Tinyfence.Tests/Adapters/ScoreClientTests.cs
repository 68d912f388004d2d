using Tinyfence.Adapters;
using Tinyfence.Protocol;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Server;
using Tinyfence.Tests.Table;
using Xunit;

namespace Tinyfence.Tests.Adapters;

public sealed class ScoreClientTests : IAsyncDisposable
{
    private readonly ScoreTable _table = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
    private readonly ServerHarness _server;

    public ScoreClientTests()
    {
        var dispatcher = new RequestDispatcher();
        dispatcher.UseTables([_table]);
        _server = new ServerHarness(dispatcher, options => options with { IdleTimeout = TimeSpan.FromSeconds(1) });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _table.Dispose();
    }

    [Fact]
    public void AHitAfterTheDaemonClosedAnIdleConnectionIsSentAgainOnANewOne()
    {
        using var client = new ScoreClient(_server.SocketPath);
        Assert.True(client.Send("HIT spam 192.0.2.1 5\n"u8));
        WaitForScore(5);

        // After the idle timeout the server closes the quiet connection.
        _server.WaitForClientCount(0);
        Assert.True(client.Send("HIT spam 192.0.2.1 5\n"u8));
        WaitForScore(10);
        Assert.Equal(0, client.Dropped);
    }

    [Fact]
    public void WithoutADaemonHitsAreDroppedAndCountedWithoutWaiting()
    {
        using var client = new ScoreClient(Path.Combine(_server.Directory, "nobody-here.sock"));
        Assert.False(client.Send("HIT spam 192.0.2.1\n"u8));
        Assert.False(client.Send("HIT spam 192.0.2.1\n"u8));
        Assert.Equal(2, client.Dropped);
        Assert.NotNull(client.LastFailure);
    }

    private void WaitForScore(int expected)
    {
        Patience.Until(() => _table.Get(Keys.V4(192, 0, 2, 1), _table.Now) == expected);
        Assert.Equal(expected, _table.Get(Keys.V4(192, 0, 2, 1), _table.Now));
    }
}
