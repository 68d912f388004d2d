namespace Tinyfence.Cli;

/// <summary>
/// The parsed command line: <c>tinyfence [VERB] [-c FILE]... [FILE]... [options]</c>. Like
/// sysfence, config files may also be given without -c; the verb defaults to <c>run</c>.
/// </summary>
public sealed class CommandLine
{
    public string Verb { get; private set; } = "run";

    public List<string> ConfigFiles { get; } = [];

    public string ProcRoot { get; private set; } = "/proc";

    public bool Once { get; private set; }

    public bool Syslog { get; private set; }

    public bool Builtin { get; private set; }

    public bool DryRun { get; private set; }

    /// <summary>run: accept ADVANCE on the socket, which moves the tables' clock (tests of decay).</summary>
    public bool TestClock { get; private set; }

    /// <summary>mail-test: send to this address instead of the mail section's recipients.</summary>
    public string? MailTo { get; private set; }

    public static readonly string[] Verbs = ["run", "check", "mail-test", "version", "help"];

    /// <summary>Parses; on a mistake returns null and says what was wrong in <paramref name="error"/>.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        var line = new CommandLine();
        error = null;
        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-') && Array.IndexOf(Verbs, args[0]) >= 0)
        {
            line.Verb = args[0];
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-c" or "--config":
                    if (++i >= args.Count)
                    {
                        error = $"{arg} needs a file name";
                        return null;
                    }

                    line.ConfigFiles.Add(args[i]);
                    break;
                case "--proc-root":
                    if (++i >= args.Count)
                    {
                        error = "--proc-root needs a directory";
                        return null;
                    }

                    line.ProcRoot = args[i];
                    break;
                case "--once":
                    line.Once = true;
                    break;
                case "--syslog":
                    line.Syslog = true;
                    break;
                case "--to":
                    if (++i >= args.Count)
                    {
                        error = "--to needs an email address";
                        return null;
                    }

                    line.MailTo = args[i];
                    break;
                case "--dry-run":
                    line.DryRun = true;
                    break;
                case "--test-clock":
                    line.TestClock = true;
                    break;
                case "--builtin":
                    line.Builtin = true;
                    break;
                case "-V" or "--version":
                    line.Verb = "version";
                    break;
                case "-h" or "--help":
                    line.Verb = "help";
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        error = $"unknown option '{arg}'";
                        return null;
                    }

                    line.ConfigFiles.Add(arg);
                    break;
            }
        }

        if (line.Builtin && line.ConfigFiles.Count > 0)
        {
            error = "--builtin and config files exclude each other";
            return null;
        }

        if (line.Verb == "run" && !Directory.Exists(line.ProcRoot))
        {
            error = $"--proc-root '{line.ProcRoot}': no such directory";
            return null;
        }

        return line;
    }
}
