namespace Tinyfence.Fuzz;

/// <summary>Runs one input through a parser and checks what it promises; throws on a broken promise.</summary>
public delegate void FuzzInput(ReadOnlySpan<byte> input);
