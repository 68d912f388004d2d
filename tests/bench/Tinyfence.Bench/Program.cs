using System.Diagnostics;
using System.Globalization;
using Tinyfence.Actions;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules;

namespace Tinyfence.Bench;

/// <summary>
/// The cost of one rule-check tick, driven directly (no sleeping): every rule due at every tick,
/// its /proc files re-read and parsed, its conditions evaluated, firing lines built. Prints
/// nanoseconds and bytes allocated per tick, median of several rounds.
/// </summary>
internal static class Program
{
    // The seed's three rules, with log in place of their commands.
    private const string Seed = """
        rule "ApacheStop" { la1 >= 10.00 or la5 >= 6.0 } log
        rule "ApacheStart" { la1 <= 2 } log once
        rule "warning" { la1 >= 8.00 } log once
        """;

    // Every resource once, as the allocation test uses it; commands replaced by log so the
    // benchmark measures checking, not process creation.
    private const string EveryResource = """
        rule "load" { la1 >= 10 or la5 >= 6 and not la15 > 20 } log once until { la1 <= 2 } log
        rule "memory" { memavail < 5% or memfree < 64M or swapused > 90% } for 3 checks log once
        rule "pressure" { pressure memory some avg10 > 40 or pressure io full avg60 > 30 or pressure cpu > 90 } log once
        rule "cpu" { cpu > 95 or iowait > 50 } log once
        rule "web" { tcpconn 80 > 1000 or tcpconn 443 > 1000 } log once
        rule "procs" { nproc > 5000 or nproc 33 zombie > 50 or nproc uninterruptible > 20 } log once
        rule "disk" { spaceavail "/" < 1M or spaceused "/" > 99.9% } log once
        """;

    private static readonly string[] s_singleResources =
    [
        "la1 > 10", "memavail < 5%", "cpu > 95", "pressure memory > 40", "spaceavail \"/\" < 1M",
        "nproc > 5000", "nproc 33 zombie > 50", "tcpconn 80 > 1000",
    ];

    /// <summary>Both benches; <c>table</c> as the only argument: the score table's only.</summary>
    private static int Main(string[] args)
    {
        if (args is ["table"])
        {
            TableBench.Run();
            return 0;
        }

        string fixtures = args.Length > 0 ? args[0] : FindFixtures();
        Console.WriteLine("Rule tick: every rule due at every tick; ns per tick is the median of 5 rounds.");
        Console.WriteLine();
        Console.WriteLine("| config | proc tree | rules | ns per tick | bytes allocated per tick |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach ((string name, string text) in new[] { ("seed (3 load rules)", Seed), ("every resource (7 rules)", EveryResource) })
        {
            foreach (string tree in new[] { "idle", "overloaded", "/proc" })
            {
                Print(name, tree, text, fixtures);
            }
        }

        Console.WriteLine();
        Console.WriteLine("One resource per rule, to see what each costs:");
        Console.WriteLine();
        Console.WriteLine("| condition | proc tree | rules | ns per tick | bytes allocated per tick |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (string condition in s_singleResources)
        {
            foreach (string tree in new[] { "overloaded", "/proc" })
            {
                Print(condition, tree, $"rule \"r\" {{ {condition} }} log once", fixtures);
            }
        }

        Console.WriteLine();
        TableBench.Run();
        return 0;
    }

    private static void Print(string name, string tree, string text, string fixtures)
    {
        // The real /proc of a sandboxed machine can be slow to read (net/tcp takes milliseconds
        // here): fewer ticks keep the run short without changing the per-tick figure.
        bool real = tree.StartsWith('/');
        (double ns, double bytes, int rules) = Measure(text, real ? tree : Path.Combine(fixtures, tree), real ? 100 : 5000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {tree} | {rules} | {ns:0} | {bytes:0.##} |"));
    }

    private static (double NsPerTick, double BytesPerTick, int Rules) Measure(string configText, string procRoot, int ticks)
    {
        var log = new Logger(new NullSink());
        var diagnostics = new DiagnosticBag();
        TinyfenceConfig config = ConfigLoader.LoadText("bench.conf", configText, diagnostics)
            ?? throw new InvalidOperationException(string.Join('\n', diagnostics.Items));
        using var reader = new ProcReader(procRoot);
        using var commands = new CommandRunner(log, TimeSpan.FromSeconds(1));
        var engine = new RuleEngine(RuleCompiler.Compile(config, log), reader, log, commands);

        // Each tick is 10 s later, so every rule (step 10 s) is due at every tick.
        long now = 0;
        for (int i = 0; i < Math.Min(ticks, 2000); i++)
        {
            engine.Tick(now += 10_000);
        }

        var rounds = new List<(double Ns, double Bytes)>();
        for (int round = 0; round < 5; round++)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < ticks; i++)
            {
                engine.Tick(now += 10_000);
            }

            double elapsedNs = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            rounds.Add((elapsedNs / ticks, (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)ticks));
        }

        rounds.Sort();
        return (rounds[2].Ns, rounds.Max(r => r.Bytes), config.Rules.Count);
    }

    private static string FindFixtures()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !Directory.Exists(Path.Combine(directory, "fixtures", "proc")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return Path.Combine(directory ?? throw new DirectoryNotFoundException("fixtures/proc not found"), "fixtures", "proc");
    }

    private sealed class NullSink : LogSink
    {
        public override void Write(LogLevel level, ReadOnlySpan<byte> message)
        {
        }
    }
}
