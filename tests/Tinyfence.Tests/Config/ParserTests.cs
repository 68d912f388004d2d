using Tinyfence.Config;
using Tinyfence.Proc;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

public class ParserTests
{
    [Theory]
    // Every rule keyword, case-insensitively.
    [InlineData("rule \"r\" { la1 > 1 } log", "la1 > 1")]
    [InlineData("if \"r\" { la1 > 1 } log", "la1 > 1")]
    [InlineData("when \"r\" { la1 > 1 } log", "la1 > 1")]
    [InlineData("ON \"r\" { LA1 > 1 } LOG", "la1 > 1")]
    // Resource synonyms map to one canonical name.
    [InlineData("rule 'r' { load5 > 1 and loadavg15 > 1 } log", "la5 > 1 and la15 > 1")]
    [InlineData("rule 'r' { freemem < 1M or freememory < 1M } log", "memfree < 1M or memfree < 1M")]
    [InlineData("rule 'r' { usedmem > 1G and usedmemory > 1G } log", "memused > 1G and memused > 1G")]
    [InlineData("rule 'r' { freeswap < 1k or usedswap > 2k } log", "swapfree < 1k or swapused > 2k")]
    [InlineData("rule 'r' { freespace \"/\" < 1G } log", "spacefree \"/\" < 1G")]
    [InlineData("rule 'r' { availablespace \"/var\" < 1G } log", "spaceavail \"/var\" < 1G")]
    [InlineData("rule 'r' { usedspace \"/\" > 90% } log", "spaceused \"/\" > 90%")]
    [InlineData("rule 'r' { numproc > 500 } log", "nproc > 500")]
    // sysfence's operators and symbols.
    [InlineData("rule 'r' { la1 => 1 && la5 =< 2 } log", "la1 >= 1 and la5 <= 2")]
    [InlineData("rule 'r' { la1 = 1 || la5 <> 2 } log", "la1 == 1 or la5 != 2")]
    [InlineData("rule 'r' { la1 > 1 andalso la5 > 1 orelse la15 > 1 } log", "(la1 > 1 and la5 > 1) or la15 > 1")]
    // Precedence: and binds tighter than or; braces and parentheses group.
    [InlineData("rule 'r' { la1 > 1 or la5 > 1 and la15 > 1 } log", "la1 > 1 or (la5 > 1 and la15 > 1)")]
    [InlineData("rule 'r' { { la1 > 1 or la5 > 1 } and la15 > 1 } log", "(la1 > 1 or la5 > 1) and la15 > 1")]
    [InlineData("rule 'r' { (la1 > 1 or la5 > 1) and la15 > 1 } log", "(la1 > 1 or la5 > 1) and la15 > 1")]
    [InlineData("rule 'r' { la1 > 1 or la5 > 1 or la15 > 1 } log", "la1 > 1 or la5 > 1 or la15 > 1")]
    [InlineData("rule 'r' { not la1 > 1 } log", "not la1 > 1")]
    [InlineData("rule 'r' { ! (la1 > 1 or la5 > 2) } log", "not (la1 > 1 or la5 > 2)")]
    [InlineData("rule 'r' { not not la1 > 1 } log", "not not la1 > 1")]
    // The man page's implicit and.
    [InlineData("rule 'r' {\nla15 > 4.0\nswapfree < 64M\n} log", "la15 > 4.0 and swapfree < 64M")]
    // New resources.
    [InlineData("rule 'r' { memavail < 10% } log", "memavail < 10%")]
    [InlineData("rule 'r' { cpu > 90 and iowait >= 25.5% } log", "cpu > 90 and iowait >= 25.5%")]
    [InlineData("rule 'r' { pressure memory > 10 } log", "pressure memory some avg10 > 10")]
    [InlineData("rule 'r' { psi io full avg300 > 1.5 } log", "pressure io full avg300 > 1.5")]
    [InlineData("rule 'r' { tcpconn 80 > 300 } log", "tcpconn 80 > 300")]
    [InlineData("rule 'r' { nproc \"www-data\" > 100 } log", "nproc \"www-data\" > 100")]
    [InlineData("rule 'r' { nproc 0 | 33 > 50 } log", "nproc 0, 33 > 50")]
    [InlineData("rule 'r' { nproc \"mysql\", \"root\" uninterruptible, stopped > 0 } log", "nproc \"mysql\", \"root\" uninterruptible, stopped > 0")]
    [InlineData("rule 'r' { nproc zombie|defunct|traced > 0 } log", "nproc stopped, zombie > 0")]
    public void ParsesConditionsToCanonicalForm(string text, string expected)
    {
        Assert.Equal(expected, TestConfig.Condition(text));
    }

    [Theory]
    [InlineData("256", 256.0)]
    [InlineData("1k", 1024.0)]
    [InlineData("1K", 1024.0)]
    [InlineData("2M", 2097152.0)]
    [InlineData("2m", 2097152.0)]
    [InlineData("1G", 1073741824.0)]
    [InlineData("3GiB", 3221225472.0)]
    [InlineData("1T", 1099511627776.0)]
    public void SizesArePowersOf1024AsInSysfence(string written, double bytes)
    {
        var comparison = (ComparisonCondition)TestConfig.SingleRule($"rule 'r' {{ memfree < {written} }} log").Trigger;
        Assert.Equal(bytes, comparison.Threshold.Value);
        Assert.False(comparison.Threshold.IsPercent);
    }

    [Fact]
    public void NprocFilterResolvesUsersAndStates()
    {
        var comparison = (ComparisonCondition)TestConfig.SingleRule("rule 'r' { nproc \"www-data\", 0 sleeping|io > 5 } log").Trigger;
        Assert.Equal([33u, 0u], comparison.Metric.Users.Select(u => u.Uid));
        Assert.Equal(ProcessStates.Sleeping | ProcessStates.Uninterruptible, comparison.Metric.States);
    }

    [Fact]
    public void ActionsFollowSysfencesForms()
    {
        Rule rule = TestConfig.SingleRule("invoke once 'x' log step 60".Insert(0, "rule 'r' { la1 > 1 } "));
        Assert.Collection(rule.Actions,
            a => Assert.Equal((ActionKind.Run, true, "x"), (a.Kind, a.Once, a.Command)),
            a => Assert.Equal((ActionKind.Log, false), (a.Kind, a.Once)));
        Assert.Equal(TimeSpan.FromSeconds(60), rule.Step);

        rule = TestConfig.SingleRule("rule 'r' { la1 > 1 } log onlyonce exec 'y' stepping 5");
        Assert.Collection(rule.Actions,
            a => Assert.Equal((ActionKind.Log, true), (a.Kind, a.Once)),
            a => Assert.Equal((ActionKind.Run, false, "y"), (a.Kind, a.Once, a.Command)));
        Assert.Equal(TimeSpan.FromSeconds(5), rule.Step);
    }

    [Fact]
    public void RecoveryClauseHasItsOwnConditionDebounceAndActions()
    {
        Rule rule = TestConfig.SingleRule("""
            rule "apache" { la1 >= 10 or la5 >= 6 } for 2 checks run once '/etc/init.d/apache2 stop'
                until { la1 <= 2 } for 30s run '/etc/init.d/apache2 start' step 5s
            """);
        Assert.Equal(new Debounce(2, TimeSpan.Zero), rule.TriggerDebounce);
        Assert.Equal("/etc/init.d/apache2 stop", Assert.Single(rule.Actions).Command);
        Recovery recovery = rule.Recovery!;
        Assert.Equal("la1 <= 2", ConditionFormatter.Format(recovery.Condition!));
        Assert.Equal(new Debounce(0, TimeSpan.FromSeconds(30)), recovery.Debounce);
        Assert.Equal("/etc/init.d/apache2 start", Assert.Single(recovery.Actions).Command);
        Assert.Equal(TimeSpan.FromSeconds(5), rule.Step);
    }

    [Fact]
    public void UntilWithoutConditionMeansWhenTheTriggerStopsHolding()
    {
        Rule rule = TestConfig.SingleRule("rule 'r' { la1 > 5 } log once until log");
        Assert.Null(rule.Recovery!.Condition);
    }

    [Fact]
    public void MixingAndThenOrWarnsThatSysfenceReadItDifferently()
    {
        (_, DiagnosticBag diagnostics) = TestConfig.Load("rule 'r' { la1 > 1 and la5 > 1 or la15 > 1 } log");
        Diagnostic warning = Assert.Single(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal("test.conf:1:12: warning: 'and' binds tighter than 'or': this reads as (la1 > 1 and la5 > 1) or la15 > 1, "
            + "but sysfence read it as la1 > 1 and (la5 > 1 or la15 > 1); add braces to say which you mean", warning.ToString());
    }

    [Theory]
    [InlineData("rule 'r' { la1 > 1 or la5 > 1 and la15 > 1 } log")] // same meaning in both readings
    [InlineData("rule 'r' { { la1 > 1 and la5 > 1 } or la15 > 1 } log")] // grouped
    [InlineData("rule 'r' { la1 > 1 and la5 > 1 and la15 > 1 } log")]
    public void NoPrecedenceWarningWhereTheMeaningIsTheSame(string text)
    {
        (_, DiagnosticBag diagnostics) = TestConfig.Load(text);
        Assert.DoesNotContain(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void NamelessRuleIsAcceptedWithAWarningAndANameFromItsPlace()
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load("\nif {\nla1 >= 8.00\n} run once 'x'");
        Assert.Equal("test.conf:2", Assert.Single(config!.Rules).Name);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning && d.Message.StartsWith("rule has no name", StringComparison.Ordinal));
    }

    [Theory]
    // Each row: config, then the expected error as LINE:COL: message (start of it).
    [InlineData("rule 'r' { la1 > 1 \nrun 'x'", "2:1: expected 'and', 'or' or '}' to close the rule's condition, found 'run' (the '{' at 1:10 is not closed")]
    [InlineData("rule 'r' { la2 > 1 } log", "1:12: expected a resource such as la1")]
    [InlineData("rule 'r' { memfree < 1.5 } log", "1:22: expected a whole number of bytes")]
    [InlineData("rule 'r' { memfree < 1.5G } log", "1:22: expected a whole number of bytes")]
    [InlineData("rule 'r' { memfree < 10X } log", "1:22: expected a whole number of bytes")]
    [InlineData("rule 'r' { la1 > 1M } log", "1:18: expected a load average such as 2, 6.0 or 10.00 for 'la1', found '1M'")]
    [InlineData("rule 'r' { la1 > 50% } log", "1:18: expected a load average")]
    [InlineData("rule 'r' { memavail < 101% } log", "1:23: expected a whole number of bytes")]
    [InlineData("rule 'r' { cpu > 101 } log", "1:18: expected a percentage from 0 to 100")]
    [InlineData("rule 'r' { nproc > 1.5 } log", "1:20: expected a whole number for 'nproc', found '1.5'")]
    [InlineData("rule 'r' { la1 8 } log", "1:16: expected a comparison operator (<, <=, >, >=, =, !=) after 'la1', found '8'")]
    [InlineData("rule 'r' { la1 > } log", "1:18: expected a number after the operator, found '}'")]
    [InlineData("rule 'r' { la1 > 1 }", "1:21: expected an action ('run', 'log', 'mail') after the rule's condition, found the end of the file")]
    [InlineData("rule 'r' { la1 > 1 } run", "1:25: expected a quoted command after 'run', found the end of the file")]
    [InlineData("rule 'r' { la1 > 1 } run once log", "1:31: expected a quoted command after 'run once', found 'log'")]
    [InlineData("rule 'r' { la1 > 1 } run ''", "1:26: the command is empty")]
    [InlineData("rule 'r' { la1 > 1 } run 'a' run 'b'", "1:30: a rule runs one command when it fires")]
    [InlineData("rule 'r' { la1 > 1 } log step 0", "1:31: expected a positive duration")]
    [InlineData("rule 'r' { la1 > 1 } log step 5 step 6", "1:33: the rule already has a 'step'")]
    [InlineData("rule 'r' { la1 > 1 } for 3 log", "1:26: expected a number of checks or a duration after 'for'")]
    [InlineData("rule 'r' { la1 > 1 } for 0 checks log", "1:26: expected a number of checks or a duration after 'for'")]
    [InlineData("rule 'r' { la1 > 1 } until log", "1:22: expected an action ('run', 'log' or 'mail') for when the rule fires, before 'until'")]
    [InlineData("rule 'r' { la1 > 1 } log until { la1 < 1 }", "1:43: expected an action ('run', 'log', 'mail') for the 'until' clause, found the end of the file")]
    [InlineData("rule 'r' { la1 > 1 } log until log until log", "1:36: a rule has at most one 'until' clause")]
    [InlineData("rule '' { la1 > 1 } log", "1:6: a rule name must not be empty")]
    [InlineData("rule 'r' la1 > 1 log", "1:10: expected '{' to open the rule's condition, found 'la1'")]
    [InlineData("rule 'r' { (la1 > 1 } log", "1:21: expected 'and', 'or' or ')' to close the '(' at 1:12, found '}'")]
    [InlineData("rule 'r' { spacefree < 1G } log", "1:22: expected an absolute path in quotes after 'spacefree'")]
    [InlineData("rule 'r' { spacefree \"var\" < 1G } log", "1:22: expected an absolute path in quotes")]
    [InlineData("rule 'r' { tcpconn 0 > 1 } log", "1:20: expected a local TCP port (1-65535)")]
    [InlineData("rule 'r' { tcpconn 70000 > 1 } log", "1:20: expected a local TCP port (1-65535)")]
    [InlineData("rule 'r' { pressure disk > 1 } log", "1:21: expected cpu, memory or io after 'pressure', found 'disk'")]
    [InlineData("rule 'r' { nproc \"nobody-here\" > 1 } log", "1:18: unknown user \"nobody-here\": not in /etc/passwd")]
    [InlineData("rule 'r' { nproc zombi > 1 } log", "1:18: expected a quoted user name, a uid, a process state or a comparison operator after 'nproc', found 'zombi' (did you mean 'zombie'?)")]
    [InlineData("rule 'r' { nproc zombie, > 1 } log", "1:26: expected a process state")]
    [InlineData("rul 'r' { la1 > 1 } log", "1:1: expected 'rule', 'if', 'when' or 'on' to begin a rule, or 'set', 'include', 'mail {', 'server {' or 'table \"name\" {', found 'rul' (did you mean 'rule'?)")]
    [InlineData("rule 'r' { la1 $ 1 } log", "1:16: expected a comparison operator")]
    [InlineData("set", "1:4: expected a setting name after 'set'")]
    [InlineData("set step\nrule 'a' { la1 > 1 } log", "2:1: expected a positive duration such as 30, 30s, 500ms, 5m, 2h or 1d after 'set step', found 'rule'")]
    [InlineData("set\nrule 'a' { la1 > 1 } log", "2:1: expected a setting name after 'set'")]
    [InlineData("set metrics-file \"tinyfence.prom\"", "1:18: expected a quoted absolute file name after 'set metrics-file', found")]
    [InlineData("set metrics-file \"/x.prom\" every 0s", "1:34: expected a positive")]
    [InlineData("set stepp 5", "1:5: expected a setting name after 'set' (step, timeout, command-timeout, kill-grace, log, log-level, run-dir, state-dir, metrics-file), found 'stepp' (did you mean 'step'?)")]
    [InlineData("set foo\nrule 'a' { la1 > 1 } log", "1:5: expected a setting name after 'set' (step, timeout, command-timeout, kill-grace, log, log-level, run-dir, state-dir, metrics-file), found 'foo'")]
    [InlineData("set step fast", "1:10: expected a positive duration such as 30, 30s, 500ms, 5m, 2h or 1d after 'set step', found 'fast'")]
    [InlineData("set command-timeout 0", "1:21: expected a positive duration such as 30, 30s, 500ms, 5m, 2h or 1d after 'set command-timeout', found '0'")]
    [InlineData("set kill-grace soon", "1:16: expected a duration such as 30, 30s, 500ms, 5m, 2h or 1d after 'set kill-grace', found 'soon'")]
    [InlineData("set log file", "1:9: expected stderr or syslog after 'set log', found 'file'")]
    [InlineData("set log stderr local3", "1:16: 'set log stderr' takes nothing more, found 'local3'")]
    [InlineData("set log syslog local9", "1:16: expected a syslog facility (daemon, user, auth or local0 to local7) after 'set log syslog', found 'local9'")]
    [InlineData("set log-level loud", "1:15: expected error, warning, notice, info or debug")]
    [InlineData("include nofile", "1:9: expected a quoted file name or pattern after 'include'")]
    [InlineData("rule 'r' { la1 > 1 } log\nrule 'r' { la5 > 1 } log", "2:1: a rule named \"r\" already exists (first declared at test.conf:1)")]
    public void ReportsErrorsWithLineColumnAndWhatWasExpected(string text, string expected) => TestConfig.AssertFirstError(text, expected);

    [Fact]
    public void ReportsEveryErrorOfAFileInOneRun()
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load("""
            rule "a" { la2 > 1 } log
            rule "b" { la1 > 1 } log
            set stepp 1
            rule "c" { memfree < 1.5 } log
            rule "d" { la1 > 1
            rule "e" { la1 > } log
            """);
        Assert.Null(config);
        Assert.Equal(["1:12", "3:5", "4:22", "6:1", "6:18"], TestConfig.Errors(diagnostics).Select(e => e.Split(':')[1] + ":" + e.Split(':')[2]));
    }

    [Theory]
    // A synonym prints as its canonical name; a bare number is seconds; syslog's facility defaults to daemon.
    [InlineData("set step 1m", "set step 1m")]
    [InlineData("set command-timeout 90", "set timeout 90s")]
    [InlineData("set kill-grace 0", "set kill-grace 0s")]
    [InlineData("set log syslog", "set log syslog daemon")]
    [InlineData("SET LOG SYSLOG LOCAL3", "set log syslog local3")]
    [InlineData("set log-level \"debug\"", "set log-level debug")]
    [InlineData("set metrics-file \"/var/lib/node/tinyfence.prom\"", "set metrics-file \"/var/lib/node/tinyfence.prom\" every 15s")]
    [InlineData("set metrics-file \"/t.prom\" every 1m", "set metrics-file \"/t.prom\" every 1m")]
    public void SettingsParseToTheirValues(string setting, string printed)
    {
        TinyfenceConfig config = TestConfig.LoadValid(setting + "\nrule 'a' { la1 > 1 } log");
        Assert.Contains(printed + "\n", ConfigFormatter.Format(config), StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsComeOutOfTheParserInFileOrderWithTheirCanonicalNameAndPlace()
    {
        var diagnostics = new DiagnosticBag();
        List<Token> tokens = Lexer.Tokenize("test.conf", "set step 5\nrule 'a' { la1 > 1 } log\n  set command-timeout 6", diagnostics);
        Parser.FileContent content = new Parser(tokens, diagnostics, TestConfig.Users).ParseFile();
        Assert.Empty(diagnostics.Items);
        Assert.Equal([("step", new SourceLocation("test.conf", 1, 5)), ("timeout", new SourceLocation("test.conf", 3, 7))], content.Settings.Select(s => (s.Name, s.Location)));
        Settings applied = content.Settings.Aggregate(new Settings(), (settings, setting) => setting.Apply(settings));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6)), (applied.DefaultStep, applied.CommandTimeout));
    }

    [Fact]
    public void ASetWithoutANameIsNotTakenForAMisspeltOne()
    {
        // The next statement's keyword is what was found, not a setting to correct ('set' is close to 'step').
        (_, DiagnosticBag diagnostics) = TestConfig.Load("set\nset step 5\nrule 'a' { la1 > 1 } log");
        Assert.EndsWith("found 'set'", TestConfig.Errors(diagnostics).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void ASetWithoutValueDoesNotSwallowTheNextRule()
    {
        (_, DiagnosticBag diagnostics) = TestConfig.Load("set step\nrule 'a' { la2 > 1 } log");
        Assert.Equal(2, TestConfig.Errors(diagnostics).Count()); // the rule on line 2 is still read and checked
    }

    [Fact]
    public void ErrorsInsideGroupsDoNotLeakNestingIntoLaterRules()
    {
        string bad = string.Concat(Enumerable.Repeat("rule 'x' { { { la1 > } } } log\n", 40));
        (_, DiagnosticBag diagnostics) = TestConfig.Load(bad + "rule 'good' { { { { la1 > 1 } } } } log");
        Assert.DoesNotContain(diagnostics.Items, d => d.Message.Contains("nested", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEndlessChainIsAnErrorNotAStackOverflow()
    {
        string text = "rule 'r' { la1 > 1" + string.Concat(Enumerable.Repeat(" or la5 > 1", 50_000)) + " } log";
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load(text);
        Assert.Null(config);
        Assert.Contains("more than 1000 terms", TestConfig.Errors(diagnostics).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingIsAnErrorNotAStackOverflow()
    {
        string text = "rule 'r' { " + new string('(', 5000) + "la1 > 1" + new string(')', 5000) + " } log";
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load(text);
        Assert.Null(config);
        Assert.Contains("nested more than 32 levels", TestConfig.Errors(diagnostics).First(), StringComparison.Ordinal);
    }
}
