using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tinyfence.Testing;

/// <summary>
/// A private CA and a server certificate signed by it, made with CertificateRequest (no openssl
/// needed) and written as PEM files to a temp dir for the SMTP test server and the CA file.
/// ECDSA P-256: fast to generate, and what a modern mail server may well use.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private TestPki(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertificate => Path.Combine(Directory, "server.pem");

    public string ServerKey => Path.Combine(Directory, "server.key");

    /// <summary>
    /// The intermediate CA's certificate (DER) when <see cref="Create"/> was given an issuer URL:
    /// the server does not send it, its certificate only says where to fetch it.
    /// </summary>
    public byte[]? IntermediateCertificate { get; private set; }

    /// <summary>The server's certificate and key as the test server's --starttls/--tls arguments.</summary>
    public string[] ServerFiles => [ServerCertificate, ServerKey];

    /// <param name="dnsName">The server certificate's DNS name; its IP address entry is 127.0.0.1 unless <paramref name="withLoopbackAddress"/> is false.</param>
    /// <param name="issuerUrl">
    /// When set, the CA signs an intermediate CA that signs the server's certificate, and the
    /// server's certificate names this URL as where its issuer is (Authority Information Access),
    /// as public CAs do; the CA file holds the root only.
    /// </param>
    public static TestPki Create(string dnsName = "localhost", bool withLoopbackAddress = true, string? issuerUrl = null)
    {
        var pki = new TestPki(System.IO.Directory.CreateTempSubdirectory("tinyfence-pki-").FullName);
        DateTimeOffset now = DateTimeOffset.UtcNow;

        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Tinyfence Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 root = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using X509Certificate2? intermediate = issuerUrl is null ? null : Intermediate(root, now);
        X509Certificate2 issuer = intermediate ?? root;

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={dnsName}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (withLoopbackAddress)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (issuerUrl is not null)
        {
            serverRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [issuerUrl]));
        }

        using X509Certificate2 server = serverRequest.Create(issuer, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4, 5, 6, 7, 8]);
        pki.IntermediateCertificate = intermediate?.RawData;

        File.WriteAllText(pki.CaFile, root.ExportCertificatePem() + "\n");
        File.WriteAllText(pki.ServerCertificate, server.ExportCertificatePem() + "\n");
        File.WriteAllText(pki.ServerKey, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        return pki;
    }

    private static X509Certificate2 Intermediate(X509Certificate2 root, DateTimeOffset now)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Tinyfence Test Intermediate CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using X509Certificate2 certificate = request.Create(root, now.AddDays(-1), now.AddDays(29), [9, 8, 7, 6, 5, 4, 3, 2]);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the CA certificate at <paramref name="relativePath"/> under a fake root (a distribution's bundle path).</summary>
    public string PlaceCaAt(string relativePath)
    {
        string path = Path.Combine(Directory, "root", relativePath.TrimStart('/'));
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(CaFile, path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
