using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tinyfence.Alerts;

/// <summary>
/// The CA certificates a mail server's certificate is checked against, and the check itself.
/// The binary links OpenSSL statically, so OpenSSL's compiled-in certificate directory is the
/// build machine's, not this machine's: a RHEL or openSUSE box keeps its bundle elsewhere. So the
/// system bundle is found here among the known places, the configured private CA file is added,
/// and the chain is built by <see cref="X509Chain"/> with <see cref="X509ChainTrustMode.CustomRootTrust"/>:
/// the outcome never depends on OpenSSL's own paths.
/// </summary>
internal sealed class TrustStore
{
    /// <summary>Where distributions keep the system CA bundle (PEM), in the order they are tried.</summary>
    public static readonly IReadOnlyList<string> SystemBundleCandidates =
    [
        "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
        "/etc/pki/tls/certs/ca-bundle.crt",                   // RHEL, CentOS, Fedora, Amazon Linux
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL 7+ (what the path above links to)
        "/etc/ssl/ca-bundle.pem",                             // openSUSE, SLES
        "/etc/ssl/cert.pem",                                  // Alpine, the BSDs
    ];

    // id-kp-serverAuth: a certificate made for something else (a client, code signing) is not a server's.
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly IReadOnlyList<string> _candidates;
    private PemFile? _system;
    private PemFile? _private;

    public TrustStore(IReadOnlyList<string>? systemBundleCandidates = null) =>
        _candidates = systemBundleCandidates ?? SystemBundleCandidates;

    /// <summary>
    /// The trust anchors for one connection: the system bundle (re-read when it changes) and the
    /// CA file. Called before connecting, so a bad CA file is reported as such, not as a TLS error.
    /// </summary>
    /// <exception cref="MailConfigurationException">The CA file cannot be read, or there is nothing to trust at all.</exception>
    public TrustAnchors Load(string? caFile)
    {
        _system = FindSystemBundle();
        string systemText = _system is null
            ? $"no system CA bundle (looked for {string.Join(", ", _candidates)})"
            : $"system bundle {_system.Path} ({MailText.Count(_system.Certificates.Count, "certificate", "certificates")})";

        if (caFile is null)
        {
            _private = null;
        }
        else
        {
            _private = PemFile.Load(caFile, _private, out string? error)
                ?? throw new MailConfigurationException($"cannot use the CA file {caFile}: {error}");
        }

        var roots = new X509Certificate2Collection();
        if (_system is not null)
        {
            roots.AddRange(_system.Certificates);
        }

        string description = systemText;
        if (_private is not null)
        {
            roots.AddRange(_private.Certificates);
            description += $" and CA file {_private.Path} ({MailText.Count(_private.Certificates.Count, "certificate", "certificates")})";
        }

        if (roots.Count == 0)
        {
            throw new MailConfigurationException($"cannot check the server's certificate: {description}; give the CA's certificate (PEM) as the CA file");
        }

        return new TrustAnchors(roots, description);
    }

    /// <summary>
    /// Checks a server certificate for <paramref name="host"/>: the name first, then the chain up
    /// to one of <paramref name="anchors"/>. The platform's own verdict in
    /// <paramref name="platformErrors"/> is not used: it came from OpenSSL's default paths.
    /// </summary>
    /// <param name="presented">The chain the TLS layer built; its extra store holds the intermediates the server sent.</param>
    public static CertificateCheck Check(string host, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors platformErrors,
        TrustAnchors? anchors, bool verify)
    {
        if (certificate is null || (platformErrors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return new CertificateCheck(false, "the server sent no certificate", "", "", default);
        }

        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        string subject = leaf.Subject;
        string issuer = leaf.Issuer;
        DateTimeOffset notAfter = new(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (!verify)
        {
            return new CertificateCheck(true, null, subject, issuer, notAfter) { Note = "not verified (certificate verification is off)" };
        }

        if (!leaf.MatchesHostname(host))
        {
            return new CertificateCheck(false,
                $"the certificate of {host} was issued for {DescribeNames(leaf)}, not for {host}", subject, issuer, notAfter);
        }

        if (anchors is null)
        {
            return new CertificateCheck(false, "no trusted CA certificates were loaded", subject, issuer, notAfter);
        }

        using var chain = new X509Chain();
        X509ChainPolicy policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(anchors.Roots);
        // No CRL or OCSP fetches and no downloads of missing intermediates: a guard on an
        // overloaded box must not start HTTP requests from inside a TLS handshake.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(s_serverAuth);
        if (presented is not null)
        {
            policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (X509ChainElement element in presented.ChainElements)
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(leaf))
        {
            return new CertificateCheck(true, null, subject, issuer, notAfter) { Note = $"trusted ({anchors.Description})" };
        }

        return new CertificateCheck(false, DescribeChainFailure(host, leaf, chain, anchors), subject, issuer, notAfter);
    }

    private PemFile? FindSystemBundle()
    {
        foreach (string path in _candidates)
        {
            PemFile? bundle = PemFile.Load(path, _system?.Path == path ? _system : null, out _);
            if (bundle is not null && bundle.Certificates.Count > 0)
            {
                return bundle;
            }
        }

        return null;
    }

    private static string DescribeChainFailure(string host, X509Certificate2 leaf, X509Chain chain, TrustAnchors anchors)
    {
        X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return DateTime.UtcNow > leaf.NotAfter.ToUniversalTime()
                ? $"the certificate of {host} expired on {FormatDate(leaf.NotAfter)}"
                : $"the certificate of {host} (or a CA above it) is not valid before {FormatDate(leaf.NotBefore)} or has expired";
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            string who = leaf.Subject == leaf.Issuer ? "is self-signed" : $"was issued by \"{leaf.Issuer}\"";
            return $"the certificate of {host} ({leaf.Subject}) {who}, which is not a trusted CA " +
                $"(trusted: {anchors.Description}); to trust a private CA, give its certificate (PEM) as the CA file";
        }

        if ((flags & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidExtension)) != 0)
        {
            return $"the certificate of {host} is not meant for a server (its key usage does not allow TLS server authentication)";
        }

        var reasons = new List<string>();
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            reasons.Add($"{status.Status}: {status.StatusInformation.Trim()}");
        }

        return $"the certificate of {host} was refused: {string.Join("; ", reasons)}";
    }

    private static string DescribeNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                foreach (System.Net.IPAddress address in san.EnumerateIPAddresses())
                {
                    names.Add(address.ToString());
                }
            }
        }

        return names.Count > 0 ? string.Join(", ", names) : certificate.Subject;
    }

    private static string FormatDate(DateTime date) => date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A PEM file's certificates, kept until the file's size or time changes.</summary>
    private sealed record PemFile(string Path, DateTime WrittenUtc, long Length, X509Certificate2Collection Certificates)
    {
        public static PemFile? Load(string path, PemFile? cached, out string? error)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    error = "no such file";
                    return null;
                }

                if (cached is not null && cached.Path == path && cached.WrittenUtc == info.LastWriteTimeUtc && cached.Length == info.Length)
                {
                    error = null;
                    return cached;
                }

                var certificates = new X509Certificate2Collection();
                certificates.ImportFromPemFile(path);
                if (certificates.Count == 0)
                {
                    error = "it holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)";
                    return null;
                }

                error = null;
                return new PemFile(path, info.LastWriteTimeUtc, info.Length, certificates);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                error = e.Message;
                return null;
            }
        }
    }
}
