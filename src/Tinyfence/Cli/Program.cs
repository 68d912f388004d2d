using Tinyfence.Hosting;

namespace Tinyfence.Cli;

internal static class Program
{
    private static readonly string[] s_adapterVerbs = ["map", "filter", "feed", "score"];

    private static int Main(string[] args)
    {
        // Before anything starts the runtime's signal handling (Console does).
        InheritedSignals.Reclaim(args.Length == 0 ? InheritedSignals.Daemon : args[0] switch
        {
            "feed" => InheritedSignals.Feed,
            "map" or "filter" or "score" => InheritedSignals.Adapter,
            _ => InheritedSignals.Daemon,
        });
        if (args.Length > 0 && Array.IndexOf(s_adapterVerbs, args[0]) >= 0)
        {
            return AdapterVerbs.Run(args[0], args[1..]);
        }

        CommandLine? line = CommandLine.Parse(args, out string? error);
        if (line is null)
        {
            Console.Error.WriteLine($"tinyfence: {error}");
            Console.Error.WriteLine("try 'tinyfence --help'");
            return ExitCodes.Usage;
        }

        switch (line.Verb)
        {
            case "version":
                Console.Out.WriteLine($"tinyfence {VersionInfo.Version}");
                return ExitCodes.Ok;
            case "help":
                Console.Out.WriteLine(Usage.Text);
                return ExitCodes.Ok;
            case "check":
                return CheckCommand.Run(line, Console.Out, Console.Error);
            case "mail-test":
                return MailTestCommand.Run(line, Console.Out, Console.Error);
            default:
                return RunCommand.Run(line);
        }
    }
}
