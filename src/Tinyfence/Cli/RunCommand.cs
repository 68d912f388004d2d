using Tinyfence.Hosting;
using Tinyfence.Logging;

namespace Tinyfence.Cli;

/// <summary><c>tinyfence run</c>: the daemon in the foreground, or one pass with --once.</summary>
internal static class RunCommand
{
    public static int Run(Arguments arguments, TextWriter output, TextWriter error)
    {
        string procRoot = arguments.Get("--proc-root") ?? "/proc";
        if (!Directory.Exists(procRoot))
        {
            throw new UsageException($"--proc-root '{procRoot}': no such directory");
        }

        bool once = arguments.Has("--once");
        bool syslog = arguments.Has("--syslog");
        var log = new Logger(syslog ? new SyslogSink() : new StderrSink());

        // Checked before anything is started: a second daemon must not take over the first one's socket.
        string? pidPath = arguments.Get("--pidfile");
        string? refusal = null;
        int? stalePid = null;
        using PidFile? pidFile = pidPath is null ? null : PidFile.Claim(pidPath, out refusal, out stalePid);
        if (refusal is not null)
        {
            log.Error(refusal);
            return ExitCodes.Failure;
        }

        using DemoDirectory? demo = arguments.Operands.Count == 0 ? DemoDirectory.Create() : null;
        var source = new ConfigSource(arguments.Operands, demo?.Path);
        if (demo is not null)
        {
            log.Notice("no config file given: using the built-in rules, which only log, and a demo score table (see: tinyfence check --builtin)");
        }

        // The built-in table's clock can be moved (ADVANCE), to watch its decay.
        using var daemon = new Daemon(source, procRoot, log, syslog, arguments.Has("--dry-run"), arguments.Has("--test-clock") || demo is not null);
        try
        {
            if (!daemon.Start(handleSignals: !once))
            {
                return ExitCodes.Config;
            }

            if (pidFile is not null)
            {
                if (stalePid is int stale)
                {
                    log.Notice($"--pidfile '{pidPath}': replacing a stale pid file (pid {stale} is not a running tinyfence)");
                }
                if (!pidFile.TryWrite(out string? unwritable))
                {
                    log.Error(unwritable!);
                    return ExitCodes.Failure;
                }
            }

            if (demo is not null && !once)
            {
                log.Notice(BuiltinConfig.TryIt(Environment.ProcessPath ?? "tinyfence", demo.Path));
            }

            if (once)
            {
                daemon.RunOnce();
            }
            else
            {
                daemon.Run();
            }

            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            // A bug must not end the guard without a word: say what happened, exit 1 for the service manager.
            log.Error($"stopped by an unexpected error: {ExceptionText.Describe(e)}");
            return ExitCodes.Failure;
        }
    }
}
