using System.Buffers;
using Tinyfence.Config;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// The config language: lexer, parser and includes. The input is two files, main.conf and, after
/// the first NUL byte, part.conf beside it, which main.conf may include (or itself, a cycle).
/// A config is returned exactly when no error was reported, and a config that loads formats to
/// text that loads back to the same config.
/// </summary>
public static class ConfigTarget
{
    private static readonly Lazy<string> s_directory = new(() => FuzzDirectory.Create("config"));

    // Includes stay in the scratch directory: the fuzzer must not read the machine's files
    // (/dev/zero never ends).
    private static readonly SearchValues<char> s_fileNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.*?");

    public static void Run(ReadOnlySpan<byte> input)
    {
        int split = input.IndexOf((byte)0);
        string directory = s_directory.Value;
        string main = Path.Combine(directory, "main.conf");
        File.WriteAllBytes(main, split < 0 ? input : input[..split]);
        File.WriteAllBytes(Path.Combine(directory, "part.conf"), split < 0 ? [] : input[(split + 1)..]);
        if (!IncludesStayInside(main) || !IncludesStayInside(Path.Combine(directory, "part.conf")))
        {
            return;
        }

        var diagnostics = new DiagnosticBag();
        TinyfenceConfig? config = ConfigLoader.Load([main], diagnostics, ResolveUser);
        InvariantViolationException.Check((config is null) == diagnostics.HasErrors, "a config is returned exactly when there was no error");
        if (config is null)
        {
            return;
        }

        string formatted = ConfigFormatter.Format(config);
        var again = new DiagnosticBag();
        TinyfenceConfig? reloaded = ConfigLoader.LoadText("formatted.conf", formatted, again, ResolveUser);
        InvariantViolationException.Check(reloaded is not null,
            $"a loaded config formats to text that loads: {string.Join("; ", again.Items.Select(d => d.ToString()))}\n{formatted}");
        InvariantViolationException.Check(ConfigFormatter.Format(reloaded!) == formatted, $"formatting is stable:\n{formatted}");
        InvariantViolationException.Check(Strings(reloaded!).SequenceEqual(Strings(config)), $"formatting keeps every string:\n{formatted}");
    }

    // The free text of a config, where a lossy quoting would show: names, commands, addresses, paths.
    private static IEnumerable<string?> Strings(TinyfenceConfig config)
    {
        foreach (Rule rule in config.Rules)
        {
            yield return rule.Name;
            foreach (RuleAction action in rule.Actions.Concat(rule.Recovery?.Actions ?? []))
            {
                yield return action.Command;
                foreach (string recipient in action.Recipients)
                {
                    yield return recipient;
                }
            }
        }

        if (config.Mail is { } mail)
        {
            foreach (string? text in (string?[])[mail.Server, mail.From, mail.CaFile, mail.User, mail.PasswordFile, mail.SubjectPrefix, .. mail.To])
            {
                yield return text;
            }
        }
    }

    private static bool IncludesStayInside(string file)
    {
        List<Token> tokens = Lexer.Tokenize(file, File.ReadAllText(file), new DiagnosticBag());
        Parser.FileContent content = new Parser(tokens, new DiagnosticBag(), ResolveUser).ParseFile();
        foreach (Token include in content.Includes)
        {
            if (include.Text.AsSpan().ContainsAnyExcept(s_fileNameChars) || include.Text.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // A fixed user database, so a run does not depend on the machine's /etc/passwd.
    private static uint? ResolveUser(string user) => user switch
    {
        "root" => 0,
        "www-data" => 33,
        _ => null,
    };
}
