namespace Tinyfence.Logging;

/// <summary>The syslog facilities a daemon may log under, with their RFC 3164 numbers.</summary>
public enum SyslogFacility
{
    User = 1,
    Daemon = 3,
    Auth = 4,
    Local0 = 16,
    Local1 = 17,
    Local2 = 18,
    Local3 = 19,
    Local4 = 20,
    Local5 = 21,
    Local6 = 22,
    Local7 = 23,
}
