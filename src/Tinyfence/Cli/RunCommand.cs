using Tinyfence.Hosting;
using Tinyfence.Logging;

namespace Tinyfence.Cli;

/// <summary><c>tinyfence run</c>: the daemon in the foreground, or one pass with --once.</summary>
public static class RunCommand
{
    public static int Run(CommandLine line)
    {
        var log = new Logger(line.Syslog ? new SyslogSink() : new StderrSink());
        using DemoDirectory? demo = line.ConfigFiles.Count == 0 ? DemoDirectory.Create() : null;
        var source = new ConfigSource(line.ConfigFiles, demo?.Path);
        if (demo is not null)
        {
            log.Notice("no config file given: using the built-in rules, which only log, and a demo score table (see: tinyfence check --builtin)");
        }

        // The built-in table's clock can be moved (ADVANCE), to watch its decay.
        using var daemon = new Daemon(source, line.ProcRoot, log, line.Syslog, line.DryRun, line.TestClock || demo is not null);
        try
        {
            if (!daemon.Start(handleSignals: !line.Once))
            {
                return ExitCodes.Config;
            }

            if (demo is not null && !line.Once)
            {
                log.Notice(BuiltinConfig.TryIt(Environment.ProcessPath ?? "tinyfence", demo.Path));
            }

            if (line.Once)
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
            log.Error($"stopped by an unexpected error: {e}");
            return ExitCodes.Failure;
        }
    }
}
