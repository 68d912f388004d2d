using System.Net;

namespace Tinyfence.Config;

/// <summary>
/// Where the read-only HTTP endpoint listens: a TCP address and port, or a Unix socket path
/// (<c>server { http "127.0.0.1:2812" }</c>, <c>http "/run/tinyfence/http.sock"</c>). An address
/// off the loopback is taken only when the config adds <c>public</c> after it.
/// </summary>
public sealed record HttpEndpoint(IPEndPoint? Address, string? SocketPath)
{
    public bool IsPublic => Address is { } address && !IPAddress.IsLoopback(address.Address);

    /// <summary>Parses the text of the config's <c>http</c> key; null with a reason when it is not an endpoint.</summary>
    public static HttpEndpoint? TryParse(string text, bool publicAllowed, out string? error)
    {
        error = null;
        if (text.StartsWith('/'))
        {
            if (text.Length < 108)
            {
                return new HttpEndpoint(null, text);
            }

            error = "a socket path is shorter than 108 bytes (the kernel's limit)";
            return null;
        }

        if (!IPEndPoint.TryParse(text, out IPEndPoint? address) || address.Port == 0)
        {
            error = "an address and port such as \"127.0.0.1:2812\" or \"[::1]:2812\", or an absolute socket path";
            return null;
        }

        var endpoint = new HttpEndpoint(address, null);
        if (endpoint.IsPublic && !publicAllowed)
        {
            error = $"{text} is not a loopback address: write 'http \"{text}\" public' to serve the status to other hosts";
            return null;
        }

        return endpoint;
    }

    /// <summary>As the config spells it.</summary>
    public override string ToString() => SocketPath ?? Address!.ToString();
}
