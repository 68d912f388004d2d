namespace Tinyfence.Cli;

public static class Usage
{
    public const string Text = """
        usage: tinyfence [run] [-c FILE]... [FILE]... [--proc-root DIR] [--once] [--dry-run] [--syslog]
               tinyfence check [-c FILE]... [FILE]... | check --builtin
               tinyfence mail-test [-c FILE]... [--to ADDRESS]
               tinyfence --version | --help

        run      check the rules of the config files (sysfence syntax and more) in the
                 foreground until SIGTERM; SIGHUP reloads. Without a file: built-in rules
                 that only log and a demo score table, with the commands to try it.
          --once        check every rule once, wait for the commands started, exit
          --proc-root   read another /proc (a fixture tree, or the host's from a container)
          --dry-run     log the commands rules would run instead of running them
          --syslog      log to syslog (/dev/log) instead of stderr
        check    validate the config files: every error as FILE:LINE:COL, exit status 78;
                 on success print the rules as understood, grouping made explicit

        mail-test  send one test message with the config's mail section and show what the
                 server said at each step (connection, TLS, AUTH, each recipient, DATA)

        exit status: 0 ok, 1 failure, 64 usage error, 78 config error
        documentation: man tinyfence, README.md
        """;
}
