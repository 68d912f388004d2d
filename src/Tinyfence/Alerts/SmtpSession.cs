using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Tinyfence.Alerts;

/// <summary>
/// One SMTP connection: TCP (opened here, so that it has a timeout and can be aborted from
/// another thread), TLS with tinyfence's own certificate check, AUTH with an allowed mechanism,
/// then any number of messages. Used by the queue's worker and by <see cref="MailTest"/>.
/// </summary>
internal sealed class SmtpSession : IDisposable
{
    // QUIT is a courtesy: an unresponsive server must not hold a shutdown for the full timeout.
    private const int QuitTimeoutMs = 2000;

    private readonly AlertSmtpClient _client;
    private readonly TrustStore _trust;
    private TrustAnchors? _anchors;
    private Socket? _socket;

    public SmtpSession(MailSettings settings, TrustStore trust, IProtocolLogger? protocolLog = null)
    {
        Settings = settings;
        _trust = trust;
        _client = new AlertSmtpClient(protocolLog ?? new NullProtocolLogger())
        {
            Timeout = TimeoutMs(settings.Timeout),
            // The check below never goes online; the platform's own revocation check would
            // (and through OpenSSL's compiled-in paths).
            CheckCertificateRevocation = false,
        };
        _client.ServerCertificateValidationCallback = ValidateCertificate;
    }

    public MailSettings Settings { get; }

    public SessionStage Stage { get; private set; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>The address the TCP connection went to.</summary>
    public IPAddress? RemoteAddress { get; private set; }

    /// <summary>The server certificate's check, once TLS started.</summary>
    public CertificateCheck? Certificate { get; private set; }

    /// <summary>The SASL mechanism used, once authenticated.</summary>
    public string? AuthMechanism { get; private set; }

    /// <summary>The TLS version negotiated (None without TLS); kept after the connection closes.</summary>
    public SslProtocols TlsProtocol { get; private set; }

    public TlsCipherSuite? TlsCipherSuite { get; private set; }

    /// <summary>Connects, greets, starts TLS and authenticates as the settings say.</summary>
    public void Open(CancellationToken cancellationToken)
    {
        Stage = SessionStage.Connect;
        MailSettings settings = Settings;
        bool tls = settings.Security != MailSecurity.None;
        _anchors = tls && settings.VerifyCertificate ? _trust.Load(settings.CaFile) : null;
        // Read (and mode-checked) for every connection that authenticates, before connecting:
        // a refused file costs no connection, and a fixed one is used without a reload.
        string? password = settings.User is null ? null
            : PasswordFile.Read(settings.PasswordFile ?? throw new MailConfigurationException($"user '{settings.User}' has no password file"));

        Socket socket = ConnectSocket(cancellationToken);
        Stage = SessionStage.Handshake;
        SecureSocketOptions options = settings.Security switch
        {
            MailSecurity.StartTls => SecureSocketOptions.StartTls,
            MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        };
        _client.Connect(socket, settings.Host, settings.Port, options, cancellationToken);
        if (_client.IsSecure)
        {
            TlsProtocol = _client.SslProtocol;
            TlsCipherSuite = _client.SslCipherSuite;
        }

        if (settings.User is not null)
        {
            Stage = SessionStage.Authenticate;
            if ((_client.Capabilities & SmtpCapabilities.Authentication) == 0)
            {
                throw new MailConfigurationException(settings.Security == MailSecurity.None
                    ? "the server does not offer AUTH on a plain connection (servers often offer it only after STARTTLS)"
                    : "the server does not offer AUTH");
            }

            SaslMechanism mechanism = SaslPolicy.Choose(_client.AuthenticationMechanisms, settings.User, password!);
            AuthMechanism = mechanism.MechanismName;
            _client.Authenticate(mechanism, cancellationToken);
        }

        Stage = SessionStage.Send;
    }

    /// <summary>
    /// One transaction. A refused recipient does not stop the others; with none accepted the
    /// result has no <see cref="Delivery.DataReply"/> and every refusal.
    /// </summary>
    public Delivery Send(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, CancellationToken cancellationToken)
    {
        Stage = SessionStage.Send;
        _client.BeginMessage();
        try
        {
            string reply = _client.Send(FormatOptions.Default, message, sender, recipients, cancellationToken);
            return new Delivery(SmtpReplies.Format(250, reply), [.. _client.Accepted], [.. _client.Refused]);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.MessageNotAccepted && _client.Accepted.Count == 0 && _client.Refused.Count > 0)
        {
            return new Delivery(null, [], [.. _client.Refused]);
        }
    }

    /// <summary>Says QUIT (briefly) and closes.</summary>
    public void Quit()
    {
        try
        {
            if (_client.IsConnected)
            {
                _client.Timeout = Math.Min(_client.Timeout, QuitTimeoutMs);
                _client.Disconnect(quit: true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
            or SmtpProtocolException or SmtpCommandException or InvalidOperationException)
        {
            // The server went away first: nothing to say goodbye to.
        }
        finally
        {
            _socket?.Dispose();
        }
    }

    /// <summary>From any thread: closes the socket, so whatever the session is blocked in fails now.</summary>
    public void Abort() => Volatile.Read(ref _socket)?.Dispose();

    public void Dispose()
    {
        Abort();
        _client.Dispose();
    }

    private Socket ConnectSocket(CancellationToken cancellationToken)
    {
        MailSettings settings = Settings;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            IPAddress[] addresses = IPAddress.TryParse(settings.Host, out IPAddress? literal)
                ? [literal]
                : Dns.GetHostAddressesAsync(settings.Host, timeout.Token).WaitAsync(timeout.Token).GetAwaiter().GetResult();
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            SocketException? last = null;
            foreach (IPAddress address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                Volatile.Write(ref _socket, socket);
                try
                {
                    socket.ConnectAsync(new IPEndPoint(address, settings.Port), timeout.Token).AsTask().GetAwaiter().GetResult();
                    // Also bounds the TLS handshake of implicit TLS, which MailKit runs before it
                    // sets its own timeouts.
                    socket.ReceiveTimeout = TimeoutMs(settings.Timeout);
                    socket.SendTimeout = TimeoutMs(settings.Timeout);
                    RemoteAddress = address;
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw last!;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no connection within {MailText.Duration(settings.Timeout)}");
        }
    }

    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Certificate = TrustStore.Check(Settings.Host, certificate, chain, errors, _anchors, Settings.VerifyCertificate);
        return Certificate.Trusted;
    }

    private static int TimeoutMs(TimeSpan timeout) => (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
}
