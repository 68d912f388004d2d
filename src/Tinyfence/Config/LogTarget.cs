namespace Tinyfence.Config;

public enum LogTarget
{
    Stderr,
    Syslog,
}
