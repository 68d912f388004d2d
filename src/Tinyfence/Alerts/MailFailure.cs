using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Tinyfence.Alerts;

/// <summary>A failed attempt, classified, with a reason fit for a log line.</summary>
internal sealed record MailFailure(FailureKind Kind, string Reason)
{
    public static MailFailure From(Exception exception, SmtpSession? session, MailSettings settings)
    {
        SessionStage stage = session?.Stage ?? SessionStage.Connect;
        switch (exception)
        {
            case MailConfigurationException e:
                return new(FailureKind.Configuration, e.Message);
            case SslHandshakeException e:
                if (session?.Certificate is { Trusted: false, Failure: string failure })
                {
                    return new(FailureKind.Configuration, failure);
                }

                return new(FailureKind.Down, $"TLS handshake with {settings.Host} failed: {OneLine((e.InnerException ?? e).Message)}");
            case AuthenticationException e:
                return new(FailureKind.Configuration,
                    $"authentication as {settings.User} failed: {SmtpReplies.FromMailKitMessage(e.Message)} (check the user and the password file {settings.PasswordFile})");
            case ServiceNotAuthenticatedException e:
                return new(FailureKind.Configuration, $"the server requires authentication ({OneLine(e.Message)}): set a user and a password file");
            case NotSupportedException e when stage == SessionStage.Handshake:
                // MailKit: "The SMTP server does not support the STARTTLS extension." Never sent in clear instead.
                return new(FailureKind.Configuration, $"{OneLine(e.Message)} (mail is never sent without the TLS the settings ask for)");
            case SmtpCommandException e:
                return FromReply(e, stage, settings);
            case SmtpProtocolException e:
                return new(FailureKind.Down, $"connection lost: {OneLine(e.Message)}");
            case TimeoutException e:
                return new(FailureKind.Down, e.Message);
            case SocketException e:
                return new(FailureKind.Down, Describe(e, settings));
            case IOException e when e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut }:
                return new(FailureKind.Down, $"no answer within {MailText.Duration(settings.Timeout)}");
            case IOException e when e.InnerException is SocketException inner:
                return new(FailureKind.Down, Describe(inner, settings));
            case IOException e:
                return new(FailureKind.Down, $"connection lost: {OneLine(e.Message)}");
            case ServiceNotConnectedException or ObjectDisposedException or OperationCanceledException:
                return new(FailureKind.Down, "connection closed");
            default:
                // Unknown: retrying could wedge the queue behind one message forever.
                return new(FailureKind.Permanent, $"{exception.GetType().Name}: {OneLine(exception.Message)}");
        }
    }

    private static MailFailure FromReply(SmtpCommandException e, SessionStage stage, MailSettings settings)
    {
        string reply = SmtpReplies.Format((int)e.StatusCode, e.Message);
        bool permanent = (int)e.StatusCode >= 500;
        if (stage != SessionStage.Send)
        {
            // A refused greeting or EHLO is about the connection, not a message: the message is kept.
            return new(FailureKind.Down, $"the server answered {reply}");
        }

        return e.ErrorCode switch
        {
            SmtpErrorCode.SenderNotAccepted => new(permanent ? FailureKind.Permanent : FailureKind.Deferred, $"sender {settings.From} refused: {reply}"),
            _ => new(permanent ? FailureKind.Permanent : FailureKind.Deferred, $"the server answered {reply}"),
        };
    }

    private static string Describe(SocketException e, MailSettings settings) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => $"no answer within {MailText.Duration(settings.Timeout)}",
        SocketError.HostNotFound or SocketError.NoData => $"host {settings.Host} not found",
        SocketError.TryAgain => $"host {settings.Host} could not be looked up (DNS)",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
        SocketError.ConnectionReset => "connection reset by the server",
        SocketError.OperationAborted => "connection closed",
        _ => OneLine(e.Message),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
