namespace Tinyfence.Hosting;

/// <summary>
/// What <c>tinyfence run</c> uses without a config file (<c>make run</c>): rules that change nothing
/// on the machine, only log, and the seed's comment-spam table, served from a directory of its own
/// that any user can create (<see cref="DemoDirectory"/>), so a newcomer sees both halves at work
/// on any Linux box, without root.
/// </summary>
public static class BuiltinConfig
{
    public const string Name = "<builtin>";

    /// <summary>The built-in config, with its table's run and state dirs under <paramref name="directory"/>.</summary>
    public static string Text(string directory) => $$"""
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

        # The seed's comment-spam policy: an address blocked above 15 points, 3 points forgiven a day.
        set run-dir "{{directory}}/run"
        set state-dir "{{directory}}/state"
        table "spam" { capacity 1024 decay 3 per 1d block above 15 }
        """;

    /// <summary>
    /// The commands to try the table from a second terminal, with <paramref name="binary"/> as
    /// tinyfence, each followed by what it prints. The built-in daemon runs with the test clock,
    /// so ADVANCE shows a day's decay.
    /// </summary>
    public static string TryIt(string binary, string directory)
    {
        string score = $"{binary} score --run-dir {directory}/run";
        return $"""
            the built-in "spam" table is served on {directory}/run/tinyfence.sock; try it from a second terminal:
              {score} hit spam 192.0.2.7 16     # 16: above 15
              {score} check spam 192.0.2.7      # BLOCK
              {score} advance 86400             # OK: a day passes (the built-in table's clock only)
              {score} get spam 192.0.2.7        # 13: 3 points decayed
              {score} check spam 192.0.2.7      # ALLOW
              {score} top spam 10               # 192.0.2.7 13
            Ctrl-C stops the daemon and removes {directory}
            """;
    }
}
