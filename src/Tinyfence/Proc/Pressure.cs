using System.Diagnostics.CodeAnalysis;

namespace Tinyfence.Proc;

/// <summary>
/// One <c>/proc/pressure/*</c> file (PSI, Linux 4.20+): the share of wall time, in percent, that
/// some (or all, "full") non-idle tasks were stalled on the resource, averaged over 10, 60 and
/// 300 seconds.
/// </summary>
[SuppressMessage("Design", "CA1051", Justification = "A plain value filled in place by its parser and read on the hot path, like the C struct it mirrors.")]
public struct Pressure
{
    public double SomeAvg10;
    public double SomeAvg60;
    public double SomeAvg300;

    /// <summary>Zero when <see cref="HasFull"/> is false.</summary>
    public double FullAvg10;
    public double FullAvg60;
    public double FullAvg300;

    /// <summary>
    /// False when the file has no "full" line: /proc/pressure/cpu before Linux 5.13. (From 5.13 the
    /// system-wide cpu "full" line exists and always reads zero.)
    /// </summary>
    public bool HasFull;
}
