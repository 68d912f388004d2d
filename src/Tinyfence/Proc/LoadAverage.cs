using System.Diagnostics.CodeAnalysis;

namespace Tinyfence.Proc;

/// <summary>The three load averages of <c>/proc/loadavg</c>.</summary>
[SuppressMessage("Design", "CA1051", Justification = "A plain value filled in place by its parser and read on the hot path, like the C struct it mirrors.")]
public struct LoadAverage
{
    public double One;
    public double Five;
    public double Fifteen;
}
