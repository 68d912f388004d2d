namespace Tinyfence.Config;

public enum CompareOp
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>A threshold as written: its value in the metric's base unit (bytes, percent, load, count).</summary>
/// <param name="IsPercent">The value is a percentage of the total (memory, swap, space).</param>
/// <param name="Written">The literal as the user wrote it, kept for messages and <c>check</c> output.</param>
public readonly record struct Threshold(double Value, bool IsPercent, string Written);

public static class CompareOpText
{
    public static string Format(CompareOp op) => op switch
    {
        CompareOp.Equal => "==",
        CompareOp.NotEqual => "!=",
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        _ => ">=",
    };

    public static bool TryParse(string text, out CompareOp op)
    {
        switch (text)
        {
            case "=" or "==": op = CompareOp.Equal; return true;
            case "!=" or "<>": op = CompareOp.NotEqual; return true;
            case "<": op = CompareOp.Less; return true;
            case "<=" or "=<": op = CompareOp.LessOrEqual; return true;
            case ">": op = CompareOp.Greater; return true;
            case ">=" or "=>": op = CompareOp.GreaterOrEqual; return true;
            default: op = default; return false;
        }
    }
}
