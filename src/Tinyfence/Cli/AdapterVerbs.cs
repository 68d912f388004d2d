using Tinyfence.Adapters;

namespace Tinyfence.Cli;

/// <summary>
/// The verbs Apache runs (map, filter, feed) and the score client. Their options are their own
/// (<see cref="VerbOptions"/>). A mistake in them is said on stderr (Apache's error log); the
/// Apache-facing verbs then fail open (<see cref="FailOpen"/>) rather than exit under Apache.
/// </summary>
public static class AdapterVerbs
{
    public static int Run(string verb, string[] args)
    {
        string[] known = verb switch
        {
            "map" => MapCommand.Options,
            "filter" => FilterCommand.Options,
            "feed" => FeedCommand.Options,
            _ => ScoreCommand.Options,
        };
        try
        {
            VerbOptions options = VerbOptions.Parse(args, known, out string? error)
                ?? throw new AdapterOptionException(error!);
            if (verb != "score" && options.Operands.Count > 0)
            {
                throw new AdapterOptionException($"{verb}: unexpected argument '{options.Operands[0]}'");
            }

            return verb switch
            {
                "map" => MapCommand.Run(options, Console.Error),
                "filter" => FilterCommand.Run(options, Console.Error),
                "feed" => FeedCommand.Run(options, Console.Error),
                _ => ScoreCommand.Run(options, Console.Out, Console.Error),
            };
        }
        catch (Exception e) when (e is AdapterOptionException or ArgumentException)
        {
            // ArgumentException: a value the runtime refuses (a socket path over the kernel's limit).
            foreach (string message in e is AdapterOptionException options ? options.Errors : [e.Message])
            {
                Console.Error.WriteLine($"tinyfence {verb}: {message}");
            }

            if (verb == "score")
            {
                return ExitCodes.Usage;
            }

            Console.Error.WriteLine($"tinyfence {verb}: failing open: {Describe(verb)}");
            using Stream input = StandardStreams.Input();
            using Stream output = StandardStreams.Output();
            switch (verb)
            {
                case "map": FailOpen.Map(input, output); break;
                case "filter": FailOpen.Filter(input, output); break;
                default: FailOpen.Feed(input); break;
            }

            return ExitCodes.Usage;
        }
    }

    private static string Describe(string verb) => verb switch
    {
        "map" => "every key is answered NULL",
        "filter" => "bodies pass through unscored",
        _ => "log lines are read and dropped",
    };
}
