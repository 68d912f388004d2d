using System.Buffers;
using System.Text;
using Tinyfence.Protocol;
using Tinyfence.Table;
using Tinyfence.Tests.Server;
using Tinyfence.Tests.Table;
using Xunit;

namespace Tinyfence.Tests.Protocol;

/// <summary>The protocol as a client sees it: the dispatcher behind the real socket server.</summary>
public sealed class RequestDispatcherTests : IAsyncDisposable
{
    private readonly ScoreTable _spam = ScoreTable.CreatePrivate(ScoreTableTests.Spec(capacity: 1000));
    private readonly ScoreTable _other = ScoreTable.CreatePrivate(ScoreTableTests.Spec(capacity: 100) with { Name = "login" });
    private readonly RequestDispatcher _dispatcher = new();
    private readonly ServerHarness _server;

    public RequestDispatcherTests()
    {
        _dispatcher.UseTables([_spam, _other]);
        _server = new ServerHarness(_dispatcher, options => options with { MaxLineBytes = 128, MaxClients = 300 });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _spam.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void PipelinedRequestsAreAnsweredInOrder()
    {
        using TestClient client = _server.Connect();
        client.Send("PING\nHIT spam 192.0.2.1\nHIT spam 192.0.2.1 15\nGET spam 192.0.2.1\nCHECK spam 192.0.2.1\n"
            + "CHECK spam 192.0.2.9\nSET spam 2001:db8::1 7\nGET spam 2001:DB8::1\nDEL spam 2001:db8::1\nDEL spam 2001:db8::1\n"
            + "get SPAM 192.0.2.1\nhit login ::ffff:198.51.100.4 3\nGET login 198.51.100.4\n");
        string[] expected = ["PONG", "1", "16", "16", "BLOCK", "ALLOW", "OK", "7", "DELETED", "NOTFOUND", "ERR unknown table", "3", "3"];
        foreach (string line in expected)
        {
            Assert.Equal(line, client.ReadLine());
        }
    }

    [Fact]
    public void EveryErrorGetsAnErrLineAndTheConnectionGoesOn()
    {
        using TestClient client = _server.Connect();
        client.Send("FROB\n\nGET spam\nGET nope 192.0.2.1\nGET spam 300.1.1.1\nHIT spam 192.0.2.1 0\nHIT spam 192.0.2.1 x\n"
            + "TOP spam 5000\nSET spam 192.0.2.1 -1\nADVANCE 60\n" + new string('A', 300) + "\nPING\r\n");
        string[] expected =
        [
            "ERR unknown command", "ERR unknown command", "ERR wrong number of arguments", "ERR unknown table",
            "ERR bad address", "ERR bad number", "ERR bad number", "ERR bad number", "ERR bad number",
            "ERR clock is fixed (the daemon was not started with --test-clock)", "ERR line too long", "PONG",
        ];
        foreach (string line in expected)
        {
            Assert.Equal(line, client.ReadLine());
        }
    }

    [Fact]
    public void TopAndStatsEndWithATerminator()
    {
        uint now = _spam.Now;
        for (int i = 1; i <= 5; i++)
        {
            _spam.Hit(Keys.V4(192, 0, 2, (byte)i), i * 10, now);
        }

        using TestClient client = _server.Connect();
        client.Send("TOP spam 3\nSTATS\nTOP login 3\n");
        Assert.Equal(["192.0.2.5 50", "192.0.2.4 40", "192.0.2.3 30", "END"], ReadLines(client, 4));
        Assert.Equal(
            ["spam entries=5 capacity=1000 slots=1334 blocked=0 evictions=0", "login entries=0 capacity=100 slots=134 blocked=0 evictions=0", "END"],
            ReadLines(client, 3));
        Assert.Equal("END", client.ReadLine());
    }

    [Fact]
    public void QuietModeAnswersReadsOnly()
    {
        using TestClient client = _server.Connect();
        client.Send("QUIET\nHIT spam 192.0.2.7 20\nHIT spam bogus\nSET spam 192.0.2.8 4\nDEL spam 192.0.2.8\nGET spam 192.0.2.7\nFROB\nPING\n");
        Assert.Equal(["OK", "20", "ERR unknown command", "PONG"], ReadLines(client, 4));
        Assert.Equal(1, _dispatcher.QuietErrors);
        Assert.Equal(0, _spam.Get(Keys.V4(192, 0, 2, 8), _spam.Now));
    }

    [Fact]
    public async Task ManyClientsAtOnceEachGetTheirOwnAnswers()
    {
        const int clients = 200;
        await Parallel.ForAsync(0, clients, async (i, _) =>
        {
            using TestClient client = _server.Connect();
            string address = $"10.0.{i / 250}.{(i % 250) + 1}";
            var requests = new StringBuilder();
            for (int n = 0; n < 20; n++)
            {
                requests.Append("HIT spam ").Append(address).Append('\n');
            }

            await client.SendAsync(requests.ToString());
            for (int n = 1; n <= 20; n++)
            {
                Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), await client.ReadLineAsync());
            }
        });

        Assert.Equal(clients, _spam.Count);
    }

    [Fact]
    public async Task ARefusedPeerGetsOneErrLineAndIsClosed()
    {
        await using var strict = new ServerHarness(_dispatcher, options => options with { AlwaysAllowRootAndOwnUid = false });
        using TestClient client = strict.Connect();

        // The server speaks first (and closes): a request sent now could meet a closed socket.
        Assert.Equal("ERR not allowed", client.ReadLine());
        Assert.Null(client.ReadLine());
    }

    [Fact]
    public void AdvanceMovesEveryTablesClockWhenAllowed()
    {
        var dispatcher = new RequestDispatcher(clockAdjustable: true);
        dispatcher.UseTables([_spam, _other]);
        _spam.Hit(Keys.V4(192, 0, 2, 50), 16, _spam.Now);

        Assert.Equal("OK\n", Handle(dispatcher, "ADVANCE 86400"));
        Assert.Equal(86400, _spam.ClockOffset);
        Assert.Equal(86400, _other.ClockOffset);
        Assert.Equal("13\n", Handle(dispatcher, "GET spam 192.0.2.50"));
    }

    [Fact]
    public void RequestsAllocateNothing()
    {
        var reply = new ArrayBufferWriter<byte>(4096);
        byte[][] requests = [.. new[]
        {
            "HIT spam 192.0.2.1", "HIT spam 2001:db8::5 3", "GET spam 192.0.2.1", "CHECK spam 192.0.2.1", "SET spam 192.0.2.2 9",
            "DEL spam 192.0.2.2", "TOP spam 10", "STATS", "PING", "GET nope 1.2.3.4", "FROB", "HIT spam x",
        }.Select(Encoding.ASCII.GetBytes)];
        var session = new SessionState();
        void Run()
        {
            for (int round = 0; round < 500; round++)
            {
                foreach (byte[] request in requests)
                {
                    reply.ResetWrittenCount();
                    _dispatcher.Handle(request, reply, ref session);
                }
            }
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private string Handle(RequestDispatcher dispatcher, string line)
    {
        var reply = new ArrayBufferWriter<byte>();
        var session = new SessionState();
        dispatcher.Handle(Encoding.ASCII.GetBytes(line), reply, ref session);
        return Encoding.ASCII.GetString(reply.WrittenSpan);
    }

    private static string[] ReadLines(TestClient client, int count) => [.. Enumerable.Range(0, count).Select(_ => client.ReadLine() ?? "<closed>")];
}
