using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Hosting;

/// <summary>Reloads that reshape a table (its capacity changed) while clients hit it: no hit is lost.</summary>
public sealed class ReshapeUnderHitsTests : IDisposable
{
    private const int Clients = 4;
    private const int AddressesPerClient = 300;
    private const int Batch = 50;
    private const int Reloads = 6;

    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-reshape-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EveryHitAnsweredDuringReloadsThatReshapeTheTableIsInTheScores()
    {
        string config = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(config, Config(4096));
        using var daemon = TinyfenceProgram.Start("run", "-c", config);
        daemon.WaitForLine(" started: ");
        string socketPath = Path.Combine(_dir, "run", "tinyfence.sock");
        Patience.WaitUntil(() => File.Exists(socketPath), "the daemon's socket");

        using var stop = new CancellationTokenSource();
        long answered = 0;
        Task[] clients = [.. Enumerable.Range(0, Clients).Select(client => Task.Run(() =>
        {
            using var connection = new SocketClient(socketPath);
            var requests = new StringBuilder();
            for (int sent = 0; !stop.IsCancellationRequested; sent += Batch)
            {
                requests.Clear();
                for (int i = 0; i < Batch; i++)
                {
                    requests.Append("HIT spam ").Append(Address(client, (sent + i) % AddressesPerClient)).Append(" 1\n");
                }

                foreach (string reply in connection.Ask(requests.ToString(), Batch))
                {
                    Assert.True(int.TryParse(reply, NumberStyles.None, CultureInfo.InvariantCulture, out _), $"HIT answered '{reply}'");
                    Interlocked.Increment(ref answered);
                }
            }
        }))];

        try
        {
            int skip = 0;
            for (int reload = 1; reload <= Reloads; reload++)
            {
                long before = Interlocked.Read(ref answered);
                Patience.WaitUntil(() => Interlocked.Read(ref answered) > before + 1000 || clients.Any(c => c.IsCompleted), "hits between reloads");
                File.WriteAllText(config, Config(reload % 2 == 1 ? 8192 : 4096));
                daemon.Signal(Posix.SIGHUP);
                skip = daemon.WaitForLine("table \"spam\" reshaped", skip) + 1;
            }

            // Hits after the last reload too: they go to the new table, none to the old one.
            long last = Interlocked.Read(ref answered);
            Patience.WaitUntil(() => Interlocked.Read(ref answered) > last + 1000 || clients.Any(c => c.IsCompleted), "hits after the reloads");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        using var reader = new SocketClient(socketPath);
        var gets = new StringBuilder();
        for (int client = 0; client < Clients; client++)
        {
            for (int n = 0; n < AddressesPerClient; n++)
            {
                gets.Append("GET spam ").Append(Address(client, n)).Append('\n');
            }
        }

        long total = reader.Ask(gets.ToString(), Clients * AddressesPerClient)
            .Sum(score => long.Parse(score, NumberStyles.None, CultureInfo.InvariantCulture));
        Assert.True(total == answered, $"{answered} hits answered, {total} points in the table\n{daemon.Stderr}");
    }

    private static string Address(int client, int n) => $"10.{client}.{n / 250}.{(n % 250) + 1}";

    private string Config(int capacity) => $$"""
        set run-dir "{{Path.Combine(_dir, "run")}}"
        set state-dir "{{Path.Combine(_dir, "state")}}"
        table "spam" {
            capacity {{capacity}}
            decay 3 per 1d
            block above 15
        }
        server {
            mode 0600
        }
        """;

    /// <summary>One connection to the daemon's socket: pipelined requests, their reply lines.</summary>
    private sealed class SocketClient : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly NetworkStream _stream;
        private readonly StreamReader _reader;

        public SocketClient(string path)
        {
            _socket.ReceiveTimeout = (int)Patience.Short.TotalMilliseconds;
            _socket.Connect(new UnixDomainSocketEndPoint(path));
            _stream = new NetworkStream(_socket);
            _reader = new StreamReader(_stream, Encoding.ASCII);
        }

        public List<string> Ask(string requests, int count)
        {
            _stream.Write(Encoding.ASCII.GetBytes(requests));
            var replies = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                replies.Add(_reader.ReadLine() ?? throw new IOException($"the daemon closed the connection after {i} of {count} replies"));
            }

            return replies;
        }

        public void Dispose()
        {
            _reader.Dispose();
            _stream.Dispose();
            _socket.Dispose();
        }
    }
}
