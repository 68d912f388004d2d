namespace Tinyfence.Config;

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
