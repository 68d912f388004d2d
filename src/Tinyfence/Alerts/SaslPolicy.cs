using System.Net;
using System.Text;
using MailKit.Security;

namespace Tinyfence.Alerts;

/// <summary>
/// The SASL mechanisms tinyfence authenticates with: password mechanisms implemented in managed
/// code only. NTLM, GSSAPI (and Negotiate) go through System.Net.Security's NegotiateAuthentication,
/// which dlopens libgssapi_krb5 — fatal in a static binary (a second libc in the process). So
/// MailKit's automatic choice (<c>Authenticate(ICredentials)</c>, which probes NTLM through
/// NegotiateAuthentication) is never called: every other mechanism is removed from the client's
/// list, and the mechanism object is built here.
/// </summary>
internal static class SaslPolicy
{
    /// <summary>Strongest first.</summary>
    public static readonly IReadOnlyList<string> Allowed = ["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"];

    /// <summary>
    /// Removes every mechanism tinyfence does not use from <paramref name="offered"/> (the client's
    /// own set) and picks the strongest left.
    /// </summary>
    /// <exception cref="MailConfigurationException">The server offers none of them.</exception>
    public static SaslMechanism Choose(HashSet<string> offered, string user, string password)
    {
        string offeredText = offered.Count == 0 ? "no mechanism" : string.Join(' ', offered.Order(StringComparer.Ordinal));
        offered.RemoveWhere(mechanism => !IsAllowed(mechanism));
        var credential = new NetworkCredential(user, password);
        foreach (string mechanism in Allowed)
        {
            foreach (string name in offered)
            {
                if (string.Equals(name, mechanism, StringComparison.OrdinalIgnoreCase))
                {
                    return Create(mechanism, credential);
                }
            }
        }

        throw new MailConfigurationException(
            $"the server offers AUTH {offeredText}, none of which tinyfence uses (it uses {string.Join(", ", Allowed)}; never NTLM or GSSAPI)");
    }

    private static bool IsAllowed(string mechanism)
    {
        foreach (string allowed in Allowed)
        {
            if (string.Equals(allowed, mechanism, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static SaslMechanism Create(string mechanism, NetworkCredential credential) => mechanism switch
    {
        "SCRAM-SHA-512" => new SaslMechanismScramSha512(credential),
        "SCRAM-SHA-256" => new SaslMechanismScramSha256(credential),
        "SCRAM-SHA-1" => new SaslMechanismScramSha1(credential),
        "PLAIN" => new SaslMechanismPlain(Encoding.UTF8, credential),
        _ => new SaslMechanismLogin(Encoding.UTF8, credential),
    };
}
