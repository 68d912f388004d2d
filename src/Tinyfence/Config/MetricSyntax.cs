using System.Globalization;
using System.Text;
using Tinyfence.Proc;

namespace Tinyfence.Config;

/// <summary>The resource words (sysfence's and Tinyfence's), and the canonical spelling <c>check</c> prints.</summary>
public static class MetricSyntax
{
    private static readonly Dictionary<string, MetricKind> s_words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["la1"] = MetricKind.Load1, ["load1"] = MetricKind.Load1, ["loadavg1"] = MetricKind.Load1,
        ["la5"] = MetricKind.Load5, ["load5"] = MetricKind.Load5, ["loadavg5"] = MetricKind.Load5,
        ["la15"] = MetricKind.Load15, ["load15"] = MetricKind.Load15, ["loadavg15"] = MetricKind.Load15,
        ["memfree"] = MetricKind.MemFree, ["freemem"] = MetricKind.MemFree, ["freememory"] = MetricKind.MemFree,
        ["memused"] = MetricKind.MemUsed, ["usedmem"] = MetricKind.MemUsed, ["usedmemory"] = MetricKind.MemUsed,
        ["memavail"] = MetricKind.MemAvail, ["availmem"] = MetricKind.MemAvail, ["memavailable"] = MetricKind.MemAvail,
        ["swapfree"] = MetricKind.SwapFree, ["freeswap"] = MetricKind.SwapFree,
        ["swapused"] = MetricKind.SwapUsed, ["usedswap"] = MetricKind.SwapUsed,
        ["spacefree"] = MetricKind.SpaceFree, ["freespace"] = MetricKind.SpaceFree,
        ["spaceavail"] = MetricKind.SpaceAvail, ["availspace"] = MetricKind.SpaceAvail,
        ["spaceavailable"] = MetricKind.SpaceAvail, ["availablespace"] = MetricKind.SpaceAvail,
        ["spaceused"] = MetricKind.SpaceUsed, ["usedspace"] = MetricKind.SpaceUsed,
        ["blocked"] = MetricKind.TableBlocked, ["scored"] = MetricKind.TableScored,
        ["nproc"] = MetricKind.Processes, ["numproc"] = MetricKind.Processes,
        ["procnum"] = MetricKind.Processes, ["processes"] = MetricKind.Processes,
        ["cpu"] = MetricKind.CpuBusy, ["cpubusy"] = MetricKind.CpuBusy,
        ["iowait"] = MetricKind.CpuIoWait, ["cpuiowait"] = MetricKind.CpuIoWait,
        ["pressure"] = MetricKind.Pressure, ["psi"] = MetricKind.Pressure,
        ["tcpconn"] = MetricKind.TcpEstablished, ["connections"] = MetricKind.TcpEstablished,
    };

    private static readonly Dictionary<string, ProcessStates> s_states = new(StringComparer.OrdinalIgnoreCase)
    {
        // "run" would collide with the action keyword, so sysfence spells the running state in full.
        ["running"] = ProcessStates.Running,
        ["stop"] = ProcessStates.Stopped, ["stopped"] = ProcessStates.Stopped, ["traced"] = ProcessStates.Stopped,
        ["sleep"] = ProcessStates.Sleeping, ["sleeping"] = ProcessStates.Sleeping,
        ["unint"] = ProcessStates.Uninterruptible, ["io"] = ProcessStates.Uninterruptible,
        ["uninterruptible"] = ProcessStates.Uninterruptible,
        ["zombie"] = ProcessStates.Zombie, ["defunct"] = ProcessStates.Zombie,
    };

    public static IEnumerable<string> Words => s_words.Keys;

    public static IEnumerable<string> StateWords => s_states.Keys;

    public static bool TryGetKind(Token token, out MetricKind kind)
    {
        kind = default;
        return token.Kind == TokenKind.Word && s_words.TryGetValue(token.Text, out kind);
    }

    public static bool TryGetState(Token token, out ProcessStates state)
    {
        state = default;
        return token.Kind == TokenKind.Word && s_states.TryGetValue(token.Text, out state);
    }

    public static bool TakesPath(MetricKind kind) => kind is MetricKind.SpaceFree or MetricKind.SpaceAvail or MetricKind.SpaceUsed;

    /// <summary>The short name used in log lines and environment variables (<c>la1</c>, <c>spacefree</c>).</summary>
    public static string Name(MetricKind kind) => kind switch
    {
        MetricKind.Load1 => "la1",
        MetricKind.Load5 => "la5",
        MetricKind.Load15 => "la15",
        MetricKind.MemFree => "memfree",
        MetricKind.MemUsed => "memused",
        MetricKind.MemAvail => "memavail",
        MetricKind.SwapFree => "swapfree",
        MetricKind.SwapUsed => "swapused",
        MetricKind.SpaceFree => "spacefree",
        MetricKind.SpaceAvail => "spaceavail",
        MetricKind.SpaceUsed => "spaceused",
        MetricKind.Processes => "nproc",
        MetricKind.CpuBusy => "cpu",
        MetricKind.CpuIoWait => "iowait",
        MetricKind.Pressure => "pressure",
        MetricKind.TableBlocked => "blocked",
        MetricKind.TableScored => "scored",
        _ => "tcpconn",
    };

    public static string Format(Metric metric)
    {
        var text = new StringBuilder(Name(metric.Kind));
        switch (metric.Kind)
        {
            case MetricKind.SpaceFree or MetricKind.SpaceAvail or MetricKind.SpaceUsed or MetricKind.TableBlocked or MetricKind.TableScored:
                text.Append(' ').Append(Token.Quote(metric.Path ?? "", '"'));
                break;
            case MetricKind.Processes:
                for (int i = 0; i < metric.Users.Count; i++)
                {
                    text.Append(i == 0 ? " " : ", ");
                    ProcessUser user = metric.Users[i];
                    text.Append(char.IsAsciiDigit(user.Written[0]) ? user.Written : Token.Quote(user.Written, '"'));
                }

                AppendStates(text, metric.States);
                break;
            case MetricKind.Pressure:
                text.Append(' ').Append(metric.PressureResource.ToString().ToLowerInvariant())
                    .Append(' ').Append(metric.PressureKind.ToString().ToLowerInvariant())
                    .Append(' ').Append(metric.PressureWindow.ToString().ToLowerInvariant());
                break;
            case MetricKind.TcpEstablished:
                text.Append(' ').Append(metric.Port.ToString(CultureInfo.InvariantCulture));
                break;
        }

        return text.ToString();
    }

    private static void AppendStates(StringBuilder text, ProcessStates states)
    {
        if (states is ProcessStates.Any or ProcessStates.None)
        {
            return;
        }

        string separator = " ";
        foreach ((ProcessStates flag, string word) in new[]
        {
            (ProcessStates.Running, "running"), (ProcessStates.Sleeping, "sleeping"),
            (ProcessStates.Uninterruptible, "uninterruptible"), (ProcessStates.Stopped, "stopped"),
            (ProcessStates.Zombie, "zombie"),
        })
        {
            if ((states & flag) != 0)
            {
                text.Append(separator).Append(word);
                separator = ", ";
            }
        }
    }
}
