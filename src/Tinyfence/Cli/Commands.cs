using Tinyfence.Adapters;
using Tinyfence.Hosting;

namespace Tinyfence.Cli;

/// <summary>
/// Every verb of <c>tinyfence</c>, in the order the usage text lists them. Parsing
/// (<see cref="Arguments"/>), the usage text (<see cref="Usage"/>), dispatch and the adapters'
/// failing open (<see cref="Program"/>) all read this list: a new verb is a row here and a file of
/// its own.
/// </summary>
internal static class Commands
{
    private static readonly OptionSpec s_config = new("--config", "FILE", "a file name", "a config file (as is a FILE operand); several are read in order", Alias: "-c", IsOperand: true);
    private static readonly OptionSpec s_table = new("--table", "T", "a table name", "the score table");
    private static readonly OptionSpec s_runDirectory = new("--run-dir", "DIR", "a directory", "the daemon's run directory (default /run/tinyfence)");
    private static readonly OptionSpec s_socket = new("--socket", "PATH", "a socket path", "the daemon's socket (default RUN-DIR/tinyfence.sock)");
    private static readonly OptionSpec s_timeout = new("--timeout", "SECONDS", "a number of seconds", "how long to wait for the daemon (default 5)");

    public static CommandSpec Run { get; } = new(
        "run",
        "[-c FILE]... [FILE]... [--proc-root DIR] [--once] [--dry-run] [--syslog] [--test-clock] [--pidfile FILE]",
        """
        check the rules of the config files (sysfence syntax and more) in the
        foreground until SIGTERM; SIGHUP reloads. Without a file: built-in rules
        that only log and a demo score table, with the commands to try it.
        The verb when none is given.
        """,
        [
            s_config,
            new("--proc-root", "DIR", "a directory", "read another /proc (a fixture tree, or the host's from a container)"),
            OptionSpec.Flag("--once", "check every rule once, wait for the commands started, exit"),
            OptionSpec.Flag("--dry-run", "log the commands rules would run instead of running them"),
            OptionSpec.Flag("--syslog", "log to syslog (/dev/log) instead of stderr"),
            OptionSpec.Flag("--test-clock", "accept ADVANCE on the socket, which moves the tables' clock (tests)"),
            new("--pidfile", "FILE", "a file name", "write the daemon's pid here once started, remove it at exit; refuse to start while it names a running tinyfence"),
        ],
        Operands: "FILE",
        InheritedSignals.Daemon,
        RunCommand.Run);

    public static CommandSpec Help { get; } = new(
        "help", "", "print this text", [], Operands: null, InheritedSignals.Daemon,
        (_, output, _) =>
        {
            output.WriteLine(Usage.Text);
            return ExitCodes.Ok;
        });

    public static CommandSpec Version { get; } = new(
        "version", "", "print the version", [], Operands: null, InheritedSignals.Daemon,
        (_, output, _) =>
        {
            output.WriteLine($"tinyfence {VersionInfo.Version}");
            return ExitCodes.Ok;
        });

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        Run,
        new(
            "check",
            "[-c FILE]... [FILE]... | check --builtin",
            """
            validate the config files: every error as FILE:LINE:COL, exit status 78;
            on success print the rules as understood, grouping made explicit
            """,
            [s_config, OptionSpec.Flag("--builtin", "check and print the built-in config")],
            Operands: "FILE",
            InheritedSignals.Daemon,
            CheckCommand.Run),
        new(
            "mail-test",
            "[-c FILE]... [--to ADDRESS]",
            """
            send one test message with the config's mail section and show what the
            server said at each step (connection, TLS, AUTH, each recipient, DATA)
            """,
            [s_config, new("--to", "ADDRESS", "an email address", "send to this address instead of the mail section's")],
            Operands: "FILE",
            InheritedSignals.Daemon,
            MailTestCommand.Run),
        new(
            "score",
            "[--run-dir DIR | --socket PATH] [--timeout SECONDS] REQUEST...",
            """
            send one request to the daemon and print its reply (get, hit, set, del,
            check, top, stats, ping, advance); exit 1 for an ERR reply, 69 when the
            daemon does not answer
            """,
            [s_runDirectory, s_socket, s_timeout],
            Operands: "REQUEST",
            InheritedSignals.Adapter,
            ScoreCommand.Run),
        new(
            "status",
            "[--json] [--run-dir DIR | --socket PATH] [--timeout SECONDS]",
            """
            what the daemon is doing: each rule's state, last firing and command,
            the readings; the tables; the mail queue. --json: the documented JSON
            """,
            [OptionSpec.Flag("--json", "print the status as JSON (the shape the README documents)"), s_runDirectory, s_socket, s_timeout],
            Operands: null,
            InheritedSignals.Adapter,
            StatusCommand.Run),
        new(
            "metrics",
            "[--run-dir DIR | --socket PATH] [--timeout SECONDS]",
            "the daemon's metrics in the Prometheus text format",
            [s_runDirectory, s_socket, s_timeout],
            Operands: null,
            InheritedSignals.Adapter,
            MetricsCommand.Run),
        new(
            "map",
            "--table T [--op check|get|hit] [--fallback TEXT] [--hit-blocked N] [--points N] [--run-dir DIR] [--socket PATH]",
            """
            Apache's RewriteMap prg: program: one address per line in, one answer
            per line out, from the table's shared view
            """,
            [
                s_table,
                new("--op", "OP", "check, get or hit", "check (ALLOW/BLOCK, the default), get (the score) or hit (add --points)"),
                new("--fallback", "TEXT", "an answer", "the answer when the table cannot be read (default NULL)"),
                new("--hit-blocked", "N", "a number of points", "points sent for each blocked lookup, without waiting (default 0)"),
                new("--points", "N", "a number of points", "points of --op hit (default 1)"),
                s_runDirectory,
                s_socket,
            ],
            Operands: null,
            InheritedSignals.Adapter,
            MapCommand.Run,
            new FailOpenMode("every key is answered NULL", FailOpen.Map)),
        new(
            "filter",
            "--table T --add N --patterns FILE [--run-dir DIR] [--socket PATH]",
            """
            Apache's mod_ext_filter input filter: copies the body unchanged and adds
            points to REMOTE_ADDR at the first pattern it holds
            """,
            [
                s_table,
                new("--add", "N", "a number of points", "the points a matching body adds"),
                new("--patterns", "FILE", "a file name", "the patterns, one per line"),
                s_runDirectory,
                s_socket,
            ],
            Operands: null,
            InheritedSignals.Adapter,
            FilterCommand.Run,
            new FailOpenMode("bodies pass through unscored", (input, output) => FailOpen.Filter(input, output))),
        new(
            "feed",
            "--table T [--blocked-points N] [--status CODE=N]... [--url-patterns FILE --url-points N] [--log FILE] [--log-max-size SIZE] [--run-dir DIR] [--socket PATH]",
            """
            Apache's piped CustomLog program: scores each logged request and writes
            the line to --log; SIGHUP reopens the log, SIGTERM flushes it
            """,
            [
                s_table,
                new("--blocked-points", "N", "a number of points", "points for a request from a blocked address (default 1)"),
                new("--status", "CODE=N", "a status and points, as 404=2", "points for a final status; repeatable"),
                new("--url-patterns", "FILE", "a file name", "patterns matched against the request's target"),
                new("--url-points", "N", "a number of points", "points for a target that matches --url-patterns"),
                new("--log", "FILE", "a file name", "the access log to write"),
                new("--log-max-size", "SIZE", "a size, as 100M", "rename the log to FILE.1 when it would grow past this"),
                s_runDirectory,
                s_socket,
            ],
            Operands: null,
            InheritedSignals.Feed,
            FeedCommand.Run,
            new FailOpenMode("log lines are read and dropped", (input, _) => FailOpen.Feed(input))),
        Version,
        Help,
    ];

    /// <summary>The verb named by <paramref name="name"/>; null when it is none.</summary>
    public static CommandSpec? Find(string name)
    {
        foreach (CommandSpec command in All)
        {
            if (command.Name == name)
            {
                return command;
            }
        }

        return null;
    }
}
