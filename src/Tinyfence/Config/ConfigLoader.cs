namespace Tinyfence.Config;

/// <summary>
/// Loads one or more config files (sysfence took several) and what they include, applies the
/// settings, and checks what spans files: duplicate rule names, include cycles. Every problem
/// goes to the diagnostics; the config is usable only when there is no error.
/// </summary>
public sealed class ConfigLoader
{
    private readonly DiagnosticBag _diagnostics;
    private readonly Func<string, uint?> _resolveUser;
    private readonly List<Rule> _rules = [];
    private readonly Dictionary<string, Rule> _rulesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _settingLocations = new(StringComparer.Ordinal);
    private readonly List<string> _files = [];
    private readonly HashSet<string> _including = new(StringComparer.Ordinal);
    private Settings _settings = new();
    private readonly List<TableSection> _tables = [];
    private MailSection? _mail;
    private bool _mailSectionFailed;
    private ServerSection? _server;

    public ConfigLoader(DiagnosticBag diagnostics, Func<string, uint?>? resolveUser = null)
    {
        _diagnostics = diagnostics;
        _resolveUser = resolveUser ?? ResolveFromPasswd;
    }

    /// <summary>Loads the given files in order; null when there were errors (all of them are in the diagnostics).</summary>
    public static TinyfenceConfig? Load(IReadOnlyList<string> files, DiagnosticBag diagnostics, Func<string, uint?>? resolveUser = null)
    {
        var loader = new ConfigLoader(diagnostics, resolveUser);
        foreach (string file in files)
        {
            loader.LoadFile(file, includedFrom: null);
        }

        return loader.Finish();
    }

    /// <summary>Loads config text that is not on disk (the built-in default, tests).</summary>
    public static TinyfenceConfig? LoadText(string name, string text, DiagnosticBag diagnostics, Func<string, uint?>? resolveUser = null)
    {
        var loader = new ConfigLoader(diagnostics, resolveUser);
        loader.LoadContent(name, text);
        return loader.Finish();
    }

    private TinyfenceConfig? Finish()
    {
        if (_rules.Count == 0 && !_diagnostics.HasErrors)
        {
            _diagnostics.Warning(new SourceLocation(_files.Count > 0 ? _files[0] : "<config>", 1, 1), "the config has no rules: nothing will be checked");
        }

        if (_mail is null && !_mailSectionFailed)
        {
            foreach (Rule rule in _rules)
            {
                RuleAction? mail = FirstMailAction(rule);
                if (mail is not null)
                {
                    _diagnostics.Error(mail.Location, "a 'mail' action needs a mail section: mail { server \"smtp.example.com\" from \"tinyfence@example.com\" to \"admin@example.com\" }");
                }
            }
        }

        foreach (Rule rule in _rules)
        {
            IEnumerable<ComparisonCondition> comparisons = rule.Trigger.Comparisons()
                .Concat(rule.Recovery?.Condition?.Comparisons() ?? []);
            foreach (ComparisonCondition comparison in comparisons)
            {
                if (comparison.Metric.Kind is MetricKind.TableBlocked or MetricKind.TableScored
                    && !_tables.Exists(t => t.Name == comparison.Metric.Path))
                {
                    _diagnostics.Error(comparison.Location, $"no table \"{comparison.Metric.Path}\" is declared (table \"{comparison.Metric.Path}\" {{ capacity 65536 decay 3 per 1d block above 15 }})");
                }
            }
        }

        // The kernel's limit for a socket path (sun_path, 108 bytes with its NUL): checked here
        // too when the path comes from run-dir, so check rejects what run would fail on.
        if ((_server is not null || _tables.Count > 0) && _server?.SocketPath is null
            && System.Text.Encoding.UTF8.GetByteCount(_settings.Layout.SocketPath) > 107)
        {
            SourceLocation where = _settingLocations.TryGetValue("run-dir", out SourceLocation at) ? at : _server?.Location ?? _tables[0].Location;
            _diagnostics.Error(where, $"the socket path {_settings.Layout.SocketPath} is longer than the 107 bytes a Unix socket path may have: choose a shorter run-dir, or give server {{ socket \"PATH\" }}");
        }

        return _diagnostics.HasErrors ? null : new TinyfenceConfig(_settings, _rules, _files)
        {
            Mail = _mail,
            Tables = _tables,
            Server = _server ?? (_tables.Count > 0 ? new ServerSection(new SourceLocation(_files.Count > 0 ? _files[0] : "<config>", 1, 1)) : null),
        };
    }

    private void LoadFile(string path, SourceLocation? includedFrom)
    {
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (ArgumentException e)
        {
            _diagnostics.Error(includedFrom ?? new SourceLocation(path, 1, 1), $"cannot read config file {Token.Quote(path, '\'')}: {e.Message}");
            return;
        }

        if (!_including.Add(fullPath))
        {
            _diagnostics.Error(includedFrom ?? new SourceLocation(path, 1, 1), $"'{path}' includes itself (an include cycle)");
            return;
        }

        try
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                string reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
                _diagnostics.Error(includedFrom ?? new SourceLocation(path, 1, 1), $"cannot read config file '{path}': {reason}");
                return;
            }

            _files.Add(path);
            LoadContent(path, text);
        }
        finally
        {
            _including.Remove(fullPath);
        }
    }

    private void LoadContent(string file, string text)
    {
        List<Token> tokens = Lexer.Tokenize(file, text, _diagnostics);
        Parser.FileContent content = new Parser(tokens, _diagnostics, _resolveUser).ParseFile();

        foreach (Setting setting in content.Settings)
        {
            if (_settingLocations.TryGetValue(setting.Name, out SourceLocation earlier))
            {
                _diagnostics.Warning(setting.Location, $"'{setting.Name}' is set again; this value replaces the one set at {earlier.File}:{earlier.Line}");
            }

            _settingLocations[setting.Name] = setting.Location;
            _settings = setting.Apply(_settings);
        }

        _mailSectionFailed |= content.MailSectionFailed;
        _mail = FirstSection(_mail, content.MailSections, "mail");

        foreach (TableSection table in content.Tables)
        {
            TableSection? same = _tables.Find(t => t.Name == table.Name);
            if (same is not null)
            {
                _diagnostics.Error(table.Location, $"table \"{table.Name}\" is already declared at {same.Location.File}:{same.Location.Line}");
                continue;
            }

            _tables.Add(table);
        }

        _server = FirstSection(_server, content.ServerSections, "server");

        foreach (Rule rule in content.Rules)
        {
            if (_rulesByName.TryGetValue(rule.Name, out Rule? first))
            {
                _diagnostics.Error(rule.Location, $"a rule named {Token.Quote(rule.Name, '"')} already exists (first declared at {first.Location.File}:{first.Location.Line}); rule names must be unique because a reload keeps each rule's state by its name");
                continue;
            }

            _rulesByName.Add(rule.Name, rule);
            _rules.Add(rule);
        }

        foreach (Token include in content.Includes)
        {
            foreach (string path in ExpandInclude(file, include))
            {
                LoadFile(path, include.Location);
            }
        }
    }

    // A section allowed once in all the files: the first one counts, and each later one is an
    // error that points back to it.
    private T? FirstSection<T>(T? first, List<T> sections, string keyword)
        where T : class, ISingleSection
    {
        foreach (T section in sections)
        {
            if (first is null)
            {
                first = section;
                continue;
            }

            _diagnostics.Error(section.Location, $"there is already a {keyword} section (first declared at {first.Location.File}:{first.Location.Line}); one is allowed");
        }

        return first;
    }

    // An include is relative to the including file; a '*' or '?' in its last part is a pattern,
    // matched in name order (like conf.d directories), and may match nothing.
    private string[] ExpandInclude(string fromFile, Token include)
    {
        if (include.Text.Length == 0 || include.Text.Contains('\0', StringComparison.Ordinal))
        {
            _diagnostics.Error(include.Location, $"cannot include {Token.Quote(include.Text, '"')}: not a file name");
            return [];
        }

        try
        {
            return ExpandPattern(fromFile, include);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _diagnostics.Error(include.Location, $"cannot include {Token.Quote(include.Text, '"')}: {e.Message}");
            return [];
        }
    }

    private string[] ExpandPattern(string fromFile, Token include)
    {
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(fromFile)) ?? "/";
        string path = Path.Combine(baseDirectory, include.Text);
        string name = Path.GetFileName(path);
        if (name.IndexOfAny(['*', '?']) < 0)
        {
            return [path];
        }

        string directory = Path.GetDirectoryName(path) ?? "/";
        if (!Directory.Exists(directory))
        {
            _diagnostics.Error(include.Location, $"cannot include {Token.Quote(include.Text, '"')}: no such directory '{directory}'");
            return [];
        }

        string[] matches = Directory.GetFiles(directory, name);
        Array.Sort(matches, StringComparer.Ordinal);
        if (matches.Length == 0)
        {
            _diagnostics.Note(include.Location, $"{Token.Quote(include.Text, '"')} matches no file");
        }

        return matches;
    }

    private static RuleAction? FirstMailAction(Rule rule) =>
        rule.Actions.Concat(rule.Recovery?.Actions ?? []).FirstOrDefault(a => a.Kind == ActionKind.Mail);

    private static uint? ResolveFromPasswd(string user) =>
        Proc.UserDatabase.TryResolveUid(user, out uint uid) ? uid : null;
}
