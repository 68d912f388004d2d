using System.Net;
using System.Net.Sockets;

namespace Tinyfence.Testing;

/// <summary>Whether a client bound to a source address gets through to a listener, or is refused.</summary>
internal static class TcpProbe
{
    /// <summary>Connects from <paramref name="source"/>; false when the kernel answers with a reset.</summary>
    public static bool Connects(string source, string destination, int port, TcpListener listener)
    {
        using var client = new Socket(IPAddress.Parse(source).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        try
        {
            client.Connect(new IPEndPoint(IPAddress.Parse(destination), port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }

        using Socket accepted = listener.AcceptSocket();
        return true;
    }
}
