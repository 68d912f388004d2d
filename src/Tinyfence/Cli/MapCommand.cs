using Tinyfence.Adapters;
using Tinyfence.Table;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence map --table T [--op check|get|hit]</c>: the <c>RewriteMap prg:</c> program. Its
/// stderr goes to Apache's error log: one line when it starts, nothing per request.
/// </summary>
internal static class MapCommand
{
    public static int Run(Arguments options, TextWriter output, TextWriter error)
    {
        string table = options.Table();
        MapOperation operation = options.Get("--op") switch
        {
            null or "check" => MapOperation.Check,
            "get" => MapOperation.Get,
            "hit" => MapOperation.Hit,
            string other => throw new UsageException($"--op is check, get or hit, not '{other}'"),
        };
        string fallback = options.Get("--fallback") ?? "NULL";
        if (fallback.Length is 0 or > 64 || fallback.Any(c => c is '\n' or '\r' || c > '~' || c < ' '))
        {
            throw new UsageException("--fallback is 1 to 64 printable ASCII characters");
        }

        int hitBlocked = options.Number("--hit-blocked", 0, 0, TableSpec.MaxScore);
        int points = options.Number("--points", 1, 1, TableSpec.MaxScore);
        using var program = new RewriteMapProgram(operation, table, options.ViewPath(table), options.SocketPath, fallback, hitBlocked, points);
        using Stream input = StandardStreams.Input();
        // Apache reads the bytes, not text: stdout as a stream.
        using Stream answers = StandardStreams.Output();
        error.WriteLine($"tinyfence map: serving {operation.ToString().ToLowerInvariant()} of table \"{table}\" from {options.ViewPath(table)}");
        program.Run(input, answers);
        return ExitCodes.Ok;
    }
}
