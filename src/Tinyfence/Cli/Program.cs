using Tinyfence.Adapters;
using Tinyfence.Hosting;

namespace Tinyfence.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        CommandSpec? named = args.Length > 0 ? Commands.Find(args[0]) : null;
        CommandSpec command = named ?? Commands.Run;
        string[] rest = named is null ? args : args[1..];

        // Before anything starts the runtime's signal handling (Console does).
        InheritedSignals.Reclaim(command.Signals);
        if (command.FailOpen is null)
        {
            // Anywhere on the line, as with most tools. Apache never passes them to its adapters.
            if (rest.Contains("-V") || rest.Contains("--version"))
            {
                (command, rest) = (Commands.Version, []);
            }
            else if (rest.Contains("-h") || rest.Contains("--help"))
            {
                (command, rest) = (Commands.Help, []);
            }
        }

        // Not Console.Out and Console.Error: their first use costs a start more than the verb's own
        // work (see DescriptorWriter), and --version or the filter of an ordinary POST body prints
        // nothing else.
        var output = new DescriptorWriter(1);
        var error = new DescriptorWriter(2);
        try
        {
            return command == Commands.Version || command == Commands.Help
                ? Print(command, rest, output, error)
                : command.Run(Arguments.Parse(command, rest), output, error);
        }
        catch (Exception e) when (e is UsageException or AdapterOptionException or ArgumentException)
        {
            // ArgumentException: a value the runtime refuses (a socket path over the kernel's limit).
            return Refuse(command, e is AdapterOptionException found ? found.Errors : [e.Message], error);
        }
    }

    /// <summary>
    /// Runs a verb that only prints a text, and says so when the text cannot be written (a full
    /// disk, a closed stdout) instead of failing with an unhandled exception.
    /// </summary>
    private static int Print(CommandSpec command, string[] rest, TextWriter output, TextWriter error)
    {
        try
        {
            return command.Run(Arguments.Parse(command, rest), output, error);
        }
        catch (IOException e)
        {
            error.WriteLine($"tinyfence {command.Name}: cannot write to standard output: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// Says what is wrong on stderr (for the verbs Apache runs, its error log) and exits 64; the
    /// Apache-facing verbs first fail open, serving Apache until their input ends.
    /// </summary>
    private static int Refuse(CommandSpec command, IReadOnlyList<string> messages, TextWriter error)
    {
        foreach (string message in messages)
        {
            error.WriteLine($"tinyfence {command.Name}: {message}");
        }

        if (command.FailOpen is not { } failOpen)
        {
            error.WriteLine("try 'tinyfence --help'");
            return ExitCodes.Usage;
        }

        error.WriteLine($"tinyfence {command.Name}: failing open: {failOpen.Description}");
        using Stream input = StandardStreams.Input();
        using Stream output = StandardStreams.Output();
        failOpen.Serve(input, output);
        return ExitCodes.Usage;
    }
}
