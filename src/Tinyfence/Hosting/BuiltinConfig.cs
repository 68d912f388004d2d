namespace Tinyfence.Hosting;

/// <summary>
/// The rules <c>tinyfence run</c> uses without a config file (<c>make run</c>): they change nothing
/// on the machine, only log, so a newcomer sees the guard at work on any Linux box.
/// </summary>
public static class BuiltinConfig
{
    public const string Name = "<builtin>";

    public const string Text = """
        # Built-in rules: they only log. Print them with: tinyfence check --builtin
        set step 5s

        # A heartbeat: always true, so it logs the current figures on every check.
        rule "status" { la1 >= 0 and memavail >= 0 } log

        # Load above the number of a small server's cores: logged once, and once more when it is over.
        rule "load-high" { la1 > 4 or la5 > 2 } for 2 checks log once
            until { la1 < 2 and la5 < 1.5 } log

        # Less than 10 % of memory available, or swap filling up.
        rule "memory-low" { memavail < 10% or swapused > 50% } log once
            until { memavail > 20% } log
        """;
}
