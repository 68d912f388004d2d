namespace Tinyfence.Config;

/// <summary>A position in a config file; lines and columns count from 1, columns in characters.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
