namespace Tinyfence.Fuzz;

/// <summary>A fuzz target: its name (also its seed folder, fixtures/fuzz/NAME) and its code.</summary>
public sealed record FuzzTarget(string Name, FuzzInput Run);
