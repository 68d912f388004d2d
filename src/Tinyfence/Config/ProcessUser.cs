namespace Tinyfence.Config;

/// <summary>An nproc user filter: a name (resolved from /etc/passwd at load) or a numeric uid.</summary>
public readonly record struct ProcessUser(string Written, uint Uid);
