namespace Tinyfence.Proc;

/// <summary>One process as a snapshot sees it: CPU time so far (clock ticks) and resident memory.</summary>
public readonly record struct ProcessUsage(int Pid, string Name, byte State, uint Uid, ulong CpuTicks, long RssBytes);
