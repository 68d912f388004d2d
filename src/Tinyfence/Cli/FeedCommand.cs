using System.Runtime.InteropServices;
using Tinyfence.Adapters;
using Tinyfence.Config;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence feed --table T [--log FILE] ...</c>: the piped <c>CustomLog</c> program. SIGHUP
/// reopens the log (after logrotate moved it). The end of its input flushes the log and exits.
/// SIGTERM flushes, then reading goes on to the end of the input: Apache sends it to its piped
/// loggers at every restart, graceful ones included, and starts new ones, while the old
/// generation's workers still hold the pipe and log the requests they finish. Dying at SIGTERM
/// would lose what is in the pipe and what they write after (their writes then fail with EPIPE);
/// the input ends when the last of them exits.
/// </summary>
internal static class FeedCommand
{
    public static int Run(Arguments options, TextWriter output, TextWriter error)
    {
        string table = options.Table();
        PatternSet? urlPatterns = options.Get("--url-patterns") is { } file ? PatternSet.Load(file) : null;
        FeedScoring scoring = FeedScoring.Create(options.Get("--blocked-points"), options.GetAll("--status"), urlPatterns, options.Get("--url-points"));
        double maxSize = 0;
        if (options.Get("--log-max-size") is { } size && (!SizeSyntax.TryParse(size, out maxSize) || maxSize < 4096))
        {
            throw new UsageException($"--log-max-size takes a size of at least 4k, such as 100M, not '{size}'");
        }

        // The signals are taken before the log is opened: a SIGHUP sent as soon as the file
        // appears (logrotate) must reopen it, not kill the feed.
        AccessLogWriter? log = null;
        using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Volatile.Read(ref log)?.RequestReopen();
        });
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Volatile.Read(ref log)?.Flush();
        });
        if (options.Get("--log") is { } path)
        {
            Volatile.Write(ref log, new AccessLogWriter(path, (long)maxSize, message => error.WriteLine($"tinyfence feed: {message}")));
        }

        using var feed = new AccessLogFeed(table, scoring, options.ViewPath(table), options.SocketPath, log);
        using Stream input = StandardStreams.Input();
        feed.Run(input);
        return ExitCodes.Ok;
    }
}
