namespace Tinyfence.Cli;

/// <summary><c>tinyfence metrics</c>: the daemon's metrics in the Prometheus text format, as <c>/metrics</c> serves them.</summary>
internal static class MetricsCommand
{
    public static int Run(Arguments options, TextWriter output, TextWriter error)
    {
        int status = DaemonReport.Fetch(options, "metrics", "METRICS\n"u8, error, out List<string> lines);
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }

        return status;
    }
}
