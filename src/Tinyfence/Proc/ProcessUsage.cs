namespace Tinyfence.Proc;

/// <summary>One process as a snapshot sees it: its group, CPU time so far (clock ticks) and resident memory.</summary>
public readonly record struct ProcessUsage(int Pid, int ProcessGroup, string Name, byte State, uint Uid, ulong CpuTicks, long RssBytes);
