namespace Tinyfence.Config;

/// <summary>A condition as parsed, with the location of its first token.</summary>
public abstract record Condition(SourceLocation Location);

public sealed record ComparisonCondition(SourceLocation Location, Metric Metric, CompareOp Op, Threshold Threshold) : Condition(Location);

public sealed record AndCondition(SourceLocation Location, Condition Left, Condition Right) : Condition(Location);

public sealed record OrCondition(SourceLocation Location, Condition Left, Condition Right) : Condition(Location);

public sealed record NotCondition(SourceLocation Location, Condition Operand) : Condition(Location);
