namespace Tinyfence.Config;

/// <summary>A condition as parsed, with the location of its first token.</summary>
public abstract record Condition(SourceLocation Location)
{
    /// <summary>Every comparison of the condition, left to right.</summary>
    public IEnumerable<ComparisonCondition> Comparisons() => this switch
    {
        ComparisonCondition comparison => [comparison],
        NotCondition not => not.Operand.Comparisons(),
        AndCondition and => and.Left.Comparisons().Concat(and.Right.Comparisons()),
        OrCondition or => or.Left.Comparisons().Concat(or.Right.Comparisons()),
        _ => [],
    };
}

public sealed record ComparisonCondition(SourceLocation Location, Metric Metric, CompareOp Op, Threshold Threshold) : Condition(Location);

public sealed record AndCondition(SourceLocation Location, Condition Left, Condition Right) : Condition(Location);

public sealed record OrCondition(SourceLocation Location, Condition Left, Condition Right) : Condition(Location);

public sealed record NotCondition(SourceLocation Location, Condition Operand) : Condition(Location);
