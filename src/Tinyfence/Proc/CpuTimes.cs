using System.Diagnostics.CodeAnalysis;

namespace Tinyfence.Proc;

/// <summary>
/// The aggregate <c>cpu</c> line of <c>/proc/stat</c>, in clock ticks (USER_HZ) since boot. A
/// percentage is the difference of two samples: (Busy₂ − Busy₁) / (Total₂ − Total₁).
/// </summary>
/// <remarks>
/// Columns a kernel does not print are zero: 2.4 has four (user … idle), 2.6.0 seven (up to
/// softirq), 2.6.11 adds steal. The guest columns (2.6.24+) are left out of <see cref="Total"/>
/// because the kernel already counts guest time inside user (and guest_nice inside nice).
/// </remarks>
[SuppressMessage("Design", "CA1051", Justification = "A plain value filled in place by its parser and read on the hot path, like the C struct it mirrors.")]
public struct CpuTimes
{
    public ulong User;
    public ulong Nice;
    public ulong System;
    public ulong Idle;
    public ulong IoWait;
    public ulong Irq;
    public ulong SoftIrq;
    public ulong Steal;

    /// <summary>The sum of the eight columns.</summary>
    public readonly ulong Total => unchecked(User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal);

    /// <summary>Total minus Idle minus IoWait: ticks the CPUs spent doing something.</summary>
    public readonly ulong Busy => unchecked(Total - Idle - IoWait);
}
