using System.Globalization;
using Tinyfence.Proc;

namespace Tinyfence.Config;

/// <summary>
/// Parses one config file. Accepts every sysfence config with sysfence's meaning, plus Tinyfence's
/// extensions (<c>not</c>, parentheses, precedence, <c>for</c>, <c>until</c>, <c>set</c>,
/// <c>include</c>). On an error it reports, skips to the next statement and goes on, so that one run
/// reports every error of the file.
/// </summary>
public sealed partial class Parser
{
    // Deeper nesting or longer chains than these are a mistake or an attack on the stack (the
    // tree is walked recursively), never a real condition.
    private const int MaxNesting = 32;
    private const int MaxChainLength = 1000;

    private readonly List<Token> _tokens;
    private readonly DiagnosticBag _diagnostics;
    private readonly Func<string, uint?> _resolveUser;
    private int _index;
    private int _depth;

    public Parser(List<Token> tokens, DiagnosticBag diagnostics, Func<string, uint?> resolveUser)
    {
        _tokens = tokens;
        _diagnostics = diagnostics;
        _resolveUser = resolveUser;
    }

    /// <summary>What a file holds: rules, settings and includes, in order.</summary>
    public sealed class FileContent
    {
        public List<Rule> Rules { get; } = [];

        public List<Setting> Settings { get; } = [];

        public List<Token> Includes { get; } = [];

        public List<MailSection> MailSections { get; } = [];

        public List<TableSection> Tables { get; } = [];

        public List<ServerSection> ServerSections { get; } = [];

        /// <summary>A mail section was written but had errors: its absence is not one more error.</summary>
        public bool MailSectionFailed { get; set; }
    }

    public FileContent ParseFile()
    {
        var content = new FileContent();
        while (Current.Kind != TokenKind.EndOfFile)
        {
            int statementStart = _index;
            _depth = 0;
            try
            {
                ParseStatement(content);
            }
            catch (SyntaxError error)
            {
                content.MailSectionFailed |= _tokens[statementStart].IsWord(Keywords.Mail);
                _diagnostics.Error(error.Location, error.Message);
                NoteRunawayString();
                SkipToNextStatement(statementStart, error.Location);
            }
        }

        return content;
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private bool AtStatementStart => Keywords.StartsStatement(Current, Peek());

    private bool AtAction => Keywords.StartsAction(Current, Peek());

    private Token Take()
    {
        Token token = _tokens[_index];
        if (token.Kind != TokenKind.EndOfFile)
        {
            _index++;
        }

        return token;
    }

    private void ParseStatement(FileContent content)
    {
        Token token = Current;
        if (Keywords.IsAny(token, Keywords.Rule))
        {
            content.Rules.Add(ParseRule());
        }
        else if (token.IsWord(Keywords.Set))
        {
            content.Settings.Add(ParseSetting());
        }
        else if (token.IsWord(Keywords.Mail) && Peek().Kind == TokenKind.OpenBrace)
        {
            content.MailSections.Add(ParseMailSection());
        }
        else if (token.IsWord(Keywords.Table) && Peek().Kind == TokenKind.String)
        {
            content.Tables.Add(ParseTableSection());
        }
        else if (token.IsWord(Keywords.Server) && Peek().Kind == TokenKind.OpenBrace)
        {
            content.ServerSections.Add(ParseServerSection());
        }
        else if (token.IsWord(Keywords.Include))
        {
            Take();
            Token path = Take();
            if (path.Kind != TokenKind.String)
            {
                throw Expected("a quoted file name or pattern after 'include'", path);
            }

            content.Includes.Add(path);
        }
        else
        {
            string hint = token.Kind == TokenKind.Word
                ? Suggestions.DidYouMean(token.Text, [.. Keywords.Rule, Keywords.Set, Keywords.Include, Keywords.Table, Keywords.Server])
                : "";
            throw Expected("'rule', 'if', 'when' or 'on' to begin a rule, or 'set', 'include', 'mail {', 'server {' or 'table \"name\" {'", token, hint);
        }
    }

    // A string may span lines (a command can be a whole script), so a lost closing quote swallows
    // text up to the next quote and the error shows up later. Point back at such a string.
    private void NoteRunawayString()
    {
        for (int i = _index; i >= Math.Max(0, _index - 3); i--)
        {
            Token token = _tokens[i];
            int newlines = token.Kind == TokenKind.String ? token.Text.Count(c => c == '\n') : 0;
            if (newlines > 0)
            {
                _diagnostics.Note(token.Location, $"this string runs over {newlines + 1} lines, to line {token.Location.Line + newlines}: is its closing quote missing?");
                return;
            }
        }
    }

    // Resume at the next statement keyword from the error on: the token that caused the error
    // may itself begin the next rule (a missing '}' is found at the next 'rule').
    private void SkipToNextStatement(int statementStart, SourceLocation errorAt)
    {
        int resume = _index;
        while (resume > statementStart + 1 && _tokens[resume].Location != errorAt)
        {
            resume--;
        }

        _index = _tokens[resume].Location == errorAt ? Math.Max(resume, statementStart + 1) : _index;
        while (Current.Kind != TokenKind.EndOfFile && !AtStatementStart)
        {
            Take();
        }
    }

    private Rule ParseRule()
    {
        Token keyword = Take();
        string name;
        if (Current.Kind == TokenKind.String)
        {
            Token nameToken = Take();
            if (string.IsNullOrWhiteSpace(nameToken.Text))
            {
                throw new SyntaxError(nameToken.Location, "a rule name must not be empty");
            }

            name = nameToken.Text;
        }
        else
        {
            // sysfence 0.7+ rejects a rule without a name; its own man page forgets them. Accept
            // the rule, name it after its place, and say so.
            name = $"{Path.GetFileName(keyword.Location.File)}:{keyword.Location.Line}";
            _diagnostics.Warning(keyword.Location, $"rule has no name; it is called \"{name}\" in logs (sysfence would reject it: write {keyword.Text} \"name\" {{ ... }})");
        }

        Condition trigger = ParseBlock("the rule's condition");
        var rule = new Rule(name, keyword.Location, trigger) { TriggerDebounce = ParseOptionalFor() };

        var actions = new List<RuleAction>();
        List<RuleAction>? recoveryActions = null;
        Recovery? recovery = null;
        TimeSpan? step = null;
        while (true)
        {
            Token token = Current;
            if (AtAction)
            {
                RuleAction action = ParseAction();
                List<RuleAction> clause = recoveryActions ?? actions;
                if (action.Kind == ActionKind.Run && clause.Exists(a => a.Kind == ActionKind.Run))
                {
                    _diagnostics.Error(action.Location, "a rule runs one command when it fires (and one when it recovers): join the commands with ';' in one string");
                }
                else if (action.Kind == ActionKind.Mail && clause.Exists(a => a.Kind == ActionKind.Mail))
                {
                    _diagnostics.Error(action.Location, "a rule sends one mail when it fires (and one when it recovers): list every recipient after one 'to'");
                }

                clause.Add(action);
            }
            else if (Keywords.IsAny(token, Keywords.Step))
            {
                Take();
                TimeSpan value = ParseDuration("after 'step'", positive: true);
                if (step is not null)
                {
                    _diagnostics.Error(token.Location, "the rule already has a 'step'");
                }

                step = value;
            }
            else if (token.IsWord(Keywords.Until))
            {
                Take();
                if (recovery is not null)
                {
                    throw new SyntaxError(token.Location, "a rule has at most one 'until' clause");
                }

                if (actions.Count == 0)
                {
                    throw new SyntaxError(token.Location, "expected an action ('run', 'log' or 'mail') for when the rule fires, before 'until'");
                }

                Condition? condition = Current.Kind == TokenKind.OpenBrace ? ParseBlock("the recovery condition") : null;
                recovery = new Recovery(token.Location, condition) { Debounce = ParseOptionalFor() };
                recoveryActions = [];
            }
            else
            {
                break;
            }
        }

        if (actions.Count == 0)
        {
            throw Expected("an action ('run', 'log', 'mail') after the rule's condition", Current);
        }

        if (recovery is not null && recoveryActions!.Count == 0)
        {
            throw Expected("an action ('run', 'log', 'mail') for the 'until' clause", Current);
        }

        return rule with
        {
            Actions = actions,
            Step = step,
            Recovery = recovery is null ? null : recovery with { Actions = recoveryActions! },
        };
    }

    private RuleAction ParseAction()
    {
        Token verb = Take();
        bool once = false;
        if (Keywords.IsAny(Current, Keywords.Once))
        {
            Take();
            once = true;
        }

        if (verb.IsWord(Keywords.Log))
        {
            return new RuleAction(ActionKind.Log, once, null, verb.Location);
        }

        if (verb.IsWord(Keywords.Mail))
        {
            // mail [once] [to "a@b", "c@d"]: the rule's own recipients.
            bool ownRecipients = Current.IsWord("to");
            if (ownRecipients)
            {
                Take();
            }

            return new RuleAction(ActionKind.Mail, once, null, verb.Location) { Recipients = ownRecipients ? ParseAddressList() : [] };
        }

        Token command = Take();
        if (command.Kind != TokenKind.String)
        {
            throw Expected($"a quoted command after '{verb.Text}{(once ? " once" : "")}'", command);
        }

        if (string.IsNullOrWhiteSpace(command.Text))
        {
            throw new SyntaxError(command.Location, "the command is empty");
        }

        return new RuleAction(ActionKind.Run, once, command.Text, verb.Location);
    }

    private Debounce ParseOptionalFor()
    {
        if (!Current.IsWord(Keywords.For))
        {
            return Debounce.None;
        }

        Take();
        Token amount = Take();
        if (amount.Kind == TokenKind.Number && Current.Kind == TokenKind.Word
            && (Current.IsWord("checks") || Current.IsWord("check"))
            && int.TryParse(amount.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int checks) && checks > 0)
        {
            Take();
            return new Debounce(checks, TimeSpan.Zero);
        }

        if (amount.Kind == TokenKind.Number && amount.Text.Any(char.IsAsciiLetter)
            && DurationSyntax.TryParse(amount.Text, out TimeSpan duration) && duration > TimeSpan.Zero)
        {
            return new Debounce(0, duration);
        }

        throw Expected("a number of checks or a duration after 'for', as in 'for 3 checks' or 'for 30s'", amount);
    }

    private TimeSpan ParseDuration(string where, bool positive)
    {
        Token token = Take();
        if (token.Kind != TokenKind.Number || !DurationSyntax.TryParse(token.Text, out TimeSpan value) || (positive && value <= TimeSpan.Zero))
        {
            throw Expected($"{(positive ? "a positive " : "a ")}{DurationSyntax.Expected} {where}", token);
        }

        return value;
    }

    private static SyntaxError Expected(string what, Token found, string hint = "") =>
        new(found.Location, $"expected {what}, found {found.Describe()}{hint}");

    /// <summary>Unwinds a statement that cannot be parsed; caught once per statement.</summary>
    private sealed class SyntaxError(SourceLocation location, string message) : Exception(message)
    {
        public SourceLocation Location { get; } = location;
    }
}
