using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tinyfence.Aot.Tests.Infrastructure;

/// <summary>
/// A plain HTTP server on 127.0.0.1 that answers every request with one certificate (DER), as a
/// CA's "issuer" URL does, and counts the connections it was asked on. Stops when disposed. The
/// certificate is set after the start: the URL goes into the certificates first.
/// </summary>
internal sealed class IssuerHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public IssuerHttpServer()
    {
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/intermediate.cer";

    public byte[] Certificate { get; set; } = [];

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                using Socket client = await _listener.AcceptSocketAsync();
                Interlocked.Increment(ref _connections);
                await client.ReceiveAsync(new byte[4096]);
                byte[] head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-cert\r\nContent-Length: {Certificate.Length}\r\nConnection: close\r\n\r\n");
                await client.SendAsync(head);
                await client.SendAsync(Certificate);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Disposed: the listener stopped.
        }
    }

    public void Dispose() => _listener.Stop();
}
