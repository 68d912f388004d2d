using System.Globalization;
using Tinyfence.Proc;
using Tinyfence.Table;

namespace Tinyfence.Config;

public sealed partial class Parser
{
    private enum Joiner
    {
        And,
        Or,

        /// <summary>No operator between two comparisons, as in sysfence's man page: read as 'and'.</summary>
        Implicit,
    }

    /// <summary>A condition between braces: the rule's, the recovery's, or a sysfence group.</summary>
    private Condition ParseBlock(string what)
    {
        Token open = Take();
        if (open.Kind != TokenKind.OpenBrace)
        {
            throw Expected($"'{{' to open {what}", open);
        }

        Condition condition = ParseExpression();
        Token close = Take();
        if (close.Kind != TokenKind.CloseBrace)
        {
            string hint = Keywords.StartsAction(close, Current) || Keywords.StartsStatement(close, Current) || close.Kind == TokenKind.EndOfFile
                ? $" (the '{{' at {open.Location.Line}:{open.Location.Column} is not closed: is a '}}' missing?)"
                : "";
            throw Expected($"'and', 'or' or '}}' to close {what}", close, hint);
        }

        return condition;
    }

    /// <summary>
    /// A chain of terms joined by and/or. Tinyfence gives 'and' precedence over 'or'; sysfence read
    /// every chain right to left with no precedence. Where the two readings differ, warn.
    /// </summary>
    private Condition ParseExpression()
    {
        if (++_depth > MaxNesting)
        {
            throw new SyntaxError(Current.Location, $"the condition is nested more than {MaxNesting} levels deep");
        }

        var terms = new List<Condition> { ParseUnary() };
        var joiners = new List<Joiner>();
        while (true)
        {
            Token token = Current;
            Joiner joiner;
            if (Keywords.IsAny(token, Keywords.And) || token.Kind == TokenKind.AndAnd)
            {
                Take();
                joiner = Joiner.And;
            }
            else if (Keywords.IsAny(token, Keywords.Or) || token.Kind == TokenKind.OrOr)
            {
                Take();
                joiner = Joiner.Or;
            }
            else if (StartsTerm(token))
            {
                _diagnostics.Note(token.Location, "no 'and'/'or' before this comparison: read as 'and' (sysfence needs the operator)");
                joiner = Joiner.Implicit;
            }
            else
            {
                break;
            }

            if (terms.Count == MaxChainLength)
            {
                throw new SyntaxError(token.Location, $"a condition joins more than {MaxChainLength} terms with and/or");
            }

            joiners.Add(joiner);
            terms.Add(ParseUnary());
        }

        _depth--;
        Condition withPrecedence = BuildWithPrecedence(terms, joiners);
        int firstAnd = joiners.IndexOf(Joiner.And);
        if (firstAnd >= 0 && joiners.LastIndexOf(Joiner.Or) > firstAnd)
        {
            Condition sysfenceReading = BuildRightToLeft(terms, joiners, 0);
            _diagnostics.Warning(terms[0].Location,
                $"'and' binds tighter than 'or': this reads as {ConditionFormatter.Format(withPrecedence)}, "
                + $"but sysfence read it as {ConditionFormatter.Format(sysfenceReading)}; add braces to say which you mean");
        }

        return withPrecedence;
    }

    private static Condition BuildWithPrecedence(List<Condition> terms, List<Joiner> joiners)
    {
        Condition? result = null;
        Condition group = terms[0];
        for (int i = 0; i < joiners.Count; i++)
        {
            if (joiners[i] == Joiner.Or)
            {
                result = result is null ? group : new OrCondition(result.Location, result, group);
                group = terms[i + 1];
            }
            else
            {
                group = new AndCondition(group.Location, group, terms[i + 1]);
            }
        }

        return result is null ? group : new OrCondition(result.Location, result, group);
    }

    private static Condition BuildRightToLeft(List<Condition> terms, List<Joiner> joiners, int from)
    {
        if (from == joiners.Count)
        {
            return terms[from];
        }

        Condition rest = BuildRightToLeft(terms, joiners, from + 1);
        return joiners[from] == Joiner.Or
            ? new OrCondition(terms[from].Location, terms[from], rest)
            : new AndCondition(terms[from].Location, terms[from], rest);
    }

    private static bool StartsTerm(Token token) =>
        token.Kind is TokenKind.OpenBrace or TokenKind.OpenParen or TokenKind.Bang
        || token.IsWord(Keywords.Not) || MetricSyntax.TryGetKind(token, out _);

    private Condition ParseUnary()
    {
        Token token = Current;
        if (token.IsWord(Keywords.Not) || token.Kind == TokenKind.Bang)
        {
            Take();
            if (++_depth > MaxNesting)
            {
                throw new SyntaxError(token.Location, $"the condition is nested more than {MaxNesting} levels deep");
            }

            Condition operand = ParseUnary();
            _depth--;
            return new NotCondition(token.Location, operand);
        }

        if (token.Kind == TokenKind.OpenBrace)
        {
            return ParseBlock("the group");
        }

        if (token.Kind == TokenKind.OpenParen)
        {
            Take();
            Condition inner = ParseExpression();
            Token close = Take();
            if (close.Kind != TokenKind.CloseParen)
            {
                throw Expected($"'and', 'or' or ')' to close the '(' at {token.Location.Line}:{token.Location.Column}", close);
            }

            return inner;
        }

        return ParseComparison();
    }

    private ComparisonCondition ParseComparison()
    {
        Token resource = Take();
        if (!MetricSyntax.TryGetKind(resource, out MetricKind kind))
        {
            string hint = resource.Kind == TokenKind.Word ? Suggestions.DidYouMean(resource.Text, MetricSyntax.Words) : "";
            throw Expected("a resource such as la1, memfree, memavail, swapused, spacefree \"/\", nproc, cpu, pressure memory or tcpconn 80", resource, hint);
        }

        Metric metric = ParseMetricArguments(resource, kind);
        Token opToken = Take();
        if (opToken.Kind != TokenKind.Operator || !CompareOpText.TryParse(opToken.Text, out CompareOp op))
        {
            throw Expected($"a comparison operator (<, <=, >, >=, =, !=) after '{metric}'", opToken);
        }

        Token value = Take();
        Threshold threshold = ParseThreshold(metric, value);
        return new ComparisonCondition(resource.Location, metric, op, threshold);
    }

    private Metric ParseMetricArguments(Token resource, MetricKind kind)
    {
        var metric = new Metric(kind);
        switch (kind)
        {
            case MetricKind.SpaceFree or MetricKind.SpaceAvail or MetricKind.SpaceUsed:
                Token path = Take();
                if (path.Kind != TokenKind.String || path.Text.Length == 0 || path.Text[0] != '/')
                {
                    throw Expected($"an absolute path in quotes after '{resource.Text}', as in {resource.Text} \"/var\"", path);
                }

                return metric with { Path = path.Text };

            case MetricKind.TableBlocked or MetricKind.TableScored:
                Token table = Take();
                if (table.Kind != TokenKind.String || !TableSpec.IsValidName(table.Text))
                {
                    throw Expected($"a table name in quotes after '{resource.Text}', as in {resource.Text} \"spam\"", table);
                }

                return metric with { Path = table.Text };

            case MetricKind.Processes:
                return ParseProcessFilter(metric);

            case MetricKind.Pressure:
                return ParsePressure(resource, metric);

            case MetricKind.TcpEstablished:
                Token port = Take();
                if (port.Kind != TokenKind.Number || !ushort.TryParse(port.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort number) || number == 0)
                {
                    throw Expected($"a local TCP port (1-65535) after '{resource.Text}', as in {resource.Text} 80", port);
                }

                return metric with { Port = number };

            default:
                return metric;
        }
    }

    // nproc ["user" | uid] [(,|'|') ...] [state [(,|'|') state]...] OP count
    private Metric ParseProcessFilter(Metric metric)
    {
        var users = new List<ProcessUser>();
        // Before the operator a number can only be a uid: the count comes after the operator.
        while (Current.Kind is TokenKind.String or TokenKind.Number)
        {
            Token user = Take();
            users.Add(ResolveUser(user));
            if (Current.Kind is TokenKind.Comma or TokenKind.Pipe && Peek().Kind is TokenKind.String or TokenKind.Number)
            {
                Take();
            }
            else
            {
                break;
            }
        }

        ProcessStates states = ProcessStates.None;
        while (MetricSyntax.TryGetState(Current, out ProcessStates state))
        {
            Take();
            states |= state;
            if (Current.Kind is TokenKind.Comma or TokenKind.Pipe)
            {
                Take();
                if (!MetricSyntax.TryGetState(Current, out _))
                {
                    string hint = Current.Kind == TokenKind.Word ? Suggestions.DidYouMean(Current.Text, MetricSyntax.StateWords) : "";
                    throw Expected("a process state (running, sleeping, uninterruptible, stopped, zombie) after the separator", Current, hint);
                }
            }
        }

        if (Current.Kind == TokenKind.Word && !Keywords.IsAny(Current, Keywords.And) && !Keywords.IsAny(Current, Keywords.Or))
        {
            string hint = Suggestions.DidYouMean(Current.Text, MetricSyntax.StateWords);
            throw Expected("a quoted user name, a uid, a process state or a comparison operator after 'nproc'", Current, hint);
        }

        return metric with { Users = users, States = states == ProcessStates.None ? ProcessStates.Any : states };
    }

    private ProcessUser ResolveUser(Token user)
    {
        if (user.Kind == TokenKind.Number)
        {
            if (!uint.TryParse(user.Text, NumberStyles.None, CultureInfo.InvariantCulture, out uint uid))
            {
                throw Expected("a numeric uid", user);
            }

            return new ProcessUser(user.Text, uid);
        }

        if (_resolveUser(user.Text) is not uint resolved)
        {
            throw new SyntaxError(user.Location, $"unknown user {Token.Quote(user.Text, '"')}: not in /etc/passwd (write a numeric uid for users from other sources)");
        }

        return new ProcessUser(user.Text, resolved);
    }

    // pressure cpu|memory|io [some|full] [avg10|avg60|avg300]
    private Metric ParsePressure(Token resource, Metric metric)
    {
        Token which = Take();
        PressureResource pressure = which.Text.ToLowerInvariant() switch
        {
            "cpu" => PressureResource.Cpu,
            "memory" or "mem" => PressureResource.Memory,
            "io" => PressureResource.Io,
            _ => throw Expected($"cpu, memory or io after '{resource.Text}'", which),
        };

        PressureKind kind = PressureKind.Some;
        if (Current.IsWord("some") || Current.IsWord("full"))
        {
            kind = Take().IsWord("full") ? PressureKind.Full : PressureKind.Some;
        }

        PressureWindow window = PressureWindow.Avg10;
        if (Current.Kind == TokenKind.Word && Current.Text.ToLowerInvariant() is "avg10" or "avg60" or "avg300")
        {
            window = Take().Text.ToLowerInvariant() switch
            {
                "avg60" => PressureWindow.Avg60,
                "avg300" => PressureWindow.Avg300,
                _ => PressureWindow.Avg10,
            };
        }

        return metric with { PressureResource = pressure, PressureKind = kind, PressureWindow = window };
    }

    private static Threshold ParseThreshold(Metric metric, Token value)
    {
        if (value.Kind != TokenKind.Number)
        {
            throw Expected($"a number after the operator", value);
        }

        string text = value.Text;
        bool percent = text.EndsWith('%');
        string digits = percent ? text[..^1] : text;
        switch (metric.Unit)
        {
            case MetricUnit.Load when !percent && TryParseDecimal(digits, out double load):
                return new Threshold(load, false, text);

            case MetricUnit.Bytes when percent && TryParseDecimal(digits, out double share) && share <= 100:
                return new Threshold(share, true, text);

            case MetricUnit.Bytes when !percent && SizeSyntax.TryParse(text, out double bytes):
                return new Threshold(bytes, false, text);

            case MetricUnit.Percent when TryParseDecimal(digits, out double share) && share <= 100:
                return new Threshold(share, true, text);

            case MetricUnit.Count when !percent && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long count):
                return new Threshold(count, false, text);
        }

        string expected = metric.Unit switch
        {
            MetricUnit.Load => "a load average such as 2, 6.0 or 10.00",
            MetricUnit.Bytes => SizeSyntax.Expected,
            MetricUnit.Percent => "a percentage from 0 to 100, such as 90 or 12.5%",
            _ => "a whole number",
        };
        throw Expected($"{expected} for '{metric}'", value);
    }

    private static bool TryParseDecimal(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
