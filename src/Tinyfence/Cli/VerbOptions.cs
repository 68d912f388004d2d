using System.Globalization;
using Tinyfence.Layout;
using Tinyfence.Table;

namespace Tinyfence.Cli;

/// <summary>
/// The <c>--name value</c> options of the adapter verbs (map, filter, feed, score). Each verb
/// declares what it takes; anything else, a missing value or a bad number is a usage error.
/// </summary>
public sealed class VerbOptions
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private VerbOptions(List<string> operands) => Operands = operands;

    /// <summary>Arguments that are not options (score's request words).</summary>
    public List<string> Operands { get; }

    /// <summary>Parses <paramref name="args"/> (after the verb); null and an error on a mistake.</summary>
    public static VerbOptions? Parse(IReadOnlyList<string> args, string[] known, out string? error)
    {
        var options = new VerbOptions([]);
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                options.Operands.Add(arg);
                continue;
            }

            if (Array.IndexOf(known, arg) < 0)
            {
                error = $"unknown option '{arg}' (options: {string.Join(", ", known)})";
                return null;
            }

            if (++i >= args.Count)
            {
                error = $"{arg} needs a value";
                return null;
            }

            if (!options._values.TryGetValue(arg, out List<string>? values))
            {
                options._values[arg] = values = [];
            }

            values.Add(args[i]);
        }

        return options;
    }

    public string? Get(string name) => _values.TryGetValue(name, out List<string>? values) ? values[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out List<string>? values) ? values : [];

    public string Require(string name) =>
        Get(name) ?? throw new Adapters.AdapterOptionException($"{name} is required");

    public int Number(string name, int fallback, int min, int max)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new Adapters.AdapterOptionException($"{name} takes a whole number from {min} to {max}, not '{text}'");
    }

    /// <summary>The table name, checked like the config checks it.</summary>
    public string Table()
    {
        string table = Require("--table");
        return TableSpec.IsValidName(table)
            ? table
            : throw new Adapters.AdapterOptionException($"'{table}' is not a table name ({TableSpec.NameRule})");
    }

    /// <summary>The daemon's files as --run-dir places them (the adapters use no state dir).</summary>
    public RunLayout Layout => Get("--run-dir") is { } runDirectory ? RunLayout.Default with { RunDirectory = runDirectory } : RunLayout.Default;

    public string SocketPath => Get("--socket") ?? Layout.SocketPath;

    public string ViewPath(string table) => Layout.ViewPath(table);
}
