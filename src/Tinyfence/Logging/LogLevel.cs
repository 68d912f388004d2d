namespace Tinyfence.Logging;

/// <summary>Severities with syslog's numbers, so a syslog sink can use them as they are.</summary>
public enum LogLevel
{
    Error = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}
