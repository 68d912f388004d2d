namespace Tinyfence.Cli;

/// <summary><c>tinyfence metrics</c>: the daemon's metrics in the Prometheus text format.</summary>
internal static class MetricsCommand
{
    public static int Run(Arguments options, TextWriter output, TextWriter error) =>
        DaemonReport.Exchange(options, "metrics", "METRICS\n"u8, untilEnd: true, output, error);
}
