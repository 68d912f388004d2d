namespace Tinyfence.Fuzz;

/// <summary>Runs one input through a parser and checks what it promises; throws on a broken promise.</summary>
public delegate void FuzzInput(ReadOnlySpan<byte> input);

/// <summary>A fuzz target: its name (also its seed folder, fixtures/fuzz/NAME) and its code.</summary>
public sealed record FuzzTarget(string Name, FuzzInput Run);
