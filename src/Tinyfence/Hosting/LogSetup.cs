using Tinyfence.Config;
using Tinyfence.Logging;

namespace Tinyfence.Hosting;

/// <summary>Points the process's logger where the settings (or --syslog) say.</summary>
public static class LogSetup
{
    public static void Apply(Logger log, Settings settings, bool forceSyslog)
    {
        log.MinimumLevel = settings.LogLevel;
        LogSink sink = forceSyslog || settings.LogTarget == LogTarget.Syslog
            ? new SyslogSink(settings.SyslogFacility)
            : new StderrSink();
        log.ReplaceSink(sink).Dispose();
    }
}
