using System.Globalization;
using Tinyfence.Layout;
using Tinyfence.Table;

namespace Tinyfence.Cli;

/// <summary>
/// A verb's command line, parsed by the one rule every verb follows: an argument that starts with
/// "--", or a dash and a letter, is one of the verb's options (<see cref="CommandSpec.Options"/>), its value the next
/// argument; anything else is an operand. Mistakes throw <see cref="UsageException"/>.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private Arguments(CommandSpec command) => Command = command;

    public CommandSpec Command { get; }

    /// <summary>The operands in command-line order, with the values of options that join them (<c>-c FILE</c>).</summary>
    public List<string> Operands { get; } = [];

    public static Arguments Parse(CommandSpec command, IReadOnlyList<string> args)
    {
        var parsed = new Arguments(command);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!IsOption(arg))
            {
                parsed.Operands.Add(arg);
                continue;
            }

            OptionSpec option = command.Option(arg) ?? throw new UsageException(command.Options.Length == 0
                ? $"unknown option '{arg}' ({command.Name} takes none)"
                : $"unknown option '{arg}' ({command.Name} takes {string.Join(", ", command.Options.Select(o => o.Alias ?? o.Name))})");
            if (option.IsFlag)
            {
                parsed._flags.Add(option.Name);
                continue;
            }

            if (++i >= args.Count)
            {
                throw new UsageException($"{arg} needs {option.ValueName}");
            }

            if (option.IsOperand)
            {
                parsed.Operands.Add(args[i]);
            }
            else if (parsed._values.TryGetValue(option.Name, out List<string>? values))
            {
                values.Add(args[i]);
            }
            else
            {
                parsed._values[option.Name] = [args[i]];
            }
        }

        if (command.Operands is null && parsed.Operands.Count > 0)
        {
            throw new UsageException($"unexpected argument '{parsed.Operands[0]}'");
        }

        return parsed;
    }

    // --name, or -c: a dash and a letter. "-1" is an operand (a number in a score request).
    private static bool IsOption(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) || (arg.Length == 2 && arg[0] == '-' && char.IsAsciiLetter(arg[1]));

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The option's value; the last one when it was given more than once.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out List<string>? values) ? values[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out List<string>? values) ? values : [];

    public string Require(string name) => Get(name) ?? throw new UsageException($"{name} is required");

    public int Number(string name, int fallback, int min, int max)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} takes a whole number from {min} to {max}, not '{text}'");
    }

    /// <summary>--table, checked by the rule the config checks it with.</summary>
    public string Table()
    {
        string table = Require("--table");
        return TableSpec.IsValidName(table) ? table : throw new UsageException($"'{table}' is not a table name ({TableSpec.NameRule})");
    }

    /// <summary>The daemon's files as --run-dir places them (the adapters use no state dir).</summary>
    public RunLayout Layout => Get("--run-dir") is { } runDirectory ? RunLayout.Default with { RunDirectory = runDirectory } : RunLayout.Default;

    public string SocketPath => Get("--socket") ?? Layout.SocketPath;

    public string ViewPath(string table) => Layout.ViewPath(table);
}
