using System.Text;

namespace Tinyfence.Config;

/// <summary>
/// Writes a condition back in Tinyfence's canonical syntax with every grouping explicit, so that
/// <c>check</c> shows exactly how a chain of and/or was understood.
/// </summary>
public static class ConditionFormatter
{
    public static string Format(Condition condition)
    {
        var text = new StringBuilder();
        Append(text, condition, parenthesize: false);
        return text.ToString();
    }

    private static void Append(StringBuilder text, Condition condition, bool parenthesize)
    {
        switch (condition)
        {
            case ComparisonCondition comparison:
                text.Append(comparison.Metric).Append(' ')
                    .Append(CompareOpText.Format(comparison.Op)).Append(' ')
                    .Append(comparison.Threshold.Written);
                break;
            case NotCondition not:
                text.Append("not ");
                Append(text, not.Operand, parenthesize: not.Operand is AndCondition or OrCondition);
                break;
            case AndCondition and:
                AppendBinary(text, and.Left, "and", and.Right, parenthesize);
                break;
            case OrCondition or:
                AppendBinary(text, or.Left, "or", or.Right, parenthesize);
                break;
        }
    }

    private static void AppendBinary(StringBuilder text, Condition left, string op, Condition right, bool parenthesize)
    {
        if (parenthesize)
        {
            text.Append('(');
        }

        // A chain of one operator needs no inner parentheses: (a or b) or c is a or b or c.
        bool leftIsOtherOperator = op == "and" ? left is OrCondition : left is AndCondition;
        Append(text, left, leftIsOtherOperator);
        text.Append(' ').Append(op).Append(' ');
        Append(text, right, right is AndCondition or OrCondition);
        if (parenthesize)
        {
            text.Append(')');
        }
    }
}
