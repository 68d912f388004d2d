using Tinyfence.Alerts;
using Tinyfence.Config;

namespace Tinyfence.Hosting;

/// <summary>The config's mail section as the Alerts concern's settings.</summary>
public static class MailSetup
{
    public static MailSettings ToSettings(MailSection mail) =>
        new(mail.Server, mail.EffectivePort, mail.Security switch
        {
            MailSecurityMode.None => MailSecurity.None,
            MailSecurityMode.Tls => MailSecurity.Tls,
            _ => MailSecurity.StartTls,
        }, mail.From, mail.To)
        {
            SubjectPrefix = mail.SubjectPrefix,
            User = mail.User,
            PasswordFile = mail.PasswordFile,
            CaFile = mail.CaFile,
            VerifyCertificate = mail.VerifyCertificate,
            RateLimit = mail.RateLimit,
            RatePeriod = mail.RatePeriod,
            QueueLimit = mail.QueueLimit,
            Timeout = mail.Timeout,
        };
}
