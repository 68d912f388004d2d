using System.Globalization;
using System.Runtime.InteropServices;
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

        try
        {
            return command == Commands.Version || command == Commands.Help
                ? Print(command, rest)
                : command.Run(Arguments.Parse(command, rest), Console.Out, Console.Error);
        }
        catch (Exception e) when (e is UsageException or AdapterOptionException or ArgumentException)
        {
            // ArgumentException: a value the runtime refuses (a socket path over the kernel's limit).
            return Refuse(command, e is AdapterOptionException found ? found.Errors : [e.Message]);
        }
    }

    /// <summary>
    /// Runs a verb that only prints a text, and writes the text to fd 1 itself: Console.Out is
    /// never touched (see <see cref="StandardOutput"/>), so --version starts little beyond the runtime.
    /// </summary>
    private static int Print(CommandSpec command, string[] rest)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        int code = command.Run(Arguments.Parse(command, rest), text, Console.Error);
        int errno = StandardOutput.Write(text.ToString());
        if (errno == 0)
        {
            return code;
        }

        Console.Error.WriteLine($"tinyfence {command.Name}: cannot write to standard output: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// Says what is wrong on stderr (for the verbs Apache runs, its error log) and exits 64; the
    /// Apache-facing verbs first fail open, serving Apache until their input ends.
    /// </summary>
    private static int Refuse(CommandSpec command, IReadOnlyList<string> messages)
    {
        foreach (string message in messages)
        {
            Console.Error.WriteLine($"tinyfence {command.Name}: {message}");
        }

        if (command.FailOpen is not { } failOpen)
        {
            Console.Error.WriteLine("try 'tinyfence --help'");
            return ExitCodes.Usage;
        }

        Console.Error.WriteLine($"tinyfence {command.Name}: failing open: {failOpen.Description}");
        using Stream input = StandardStreams.Input();
        using Stream output = StandardStreams.Output();
        failOpen.Serve(input, output);
        return ExitCodes.Usage;
    }
}
