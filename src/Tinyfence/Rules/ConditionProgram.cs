using Tinyfence.Config;

namespace Tinyfence.Rules;

/// <summary>
/// A condition compiled to a flat postfix program over reading slots: evaluating it walks an
/// array with a preallocated stack, so a check allocates nothing and touches no tree of objects.
/// </summary>
public sealed class ConditionProgram
{
    private readonly Instruction[] _code;
    private readonly Truth[] _stack;

    public ConditionProgram(Instruction[] code, int maxDepth, string text)
    {
        _code = code;
        _stack = new Truth[Math.Max(1, maxDepth)];
        Text = text;
    }

    public enum OpCode : byte
    {
        Compare,
        And,
        Or,
        Not,
    }

    /// <summary>The condition in canonical syntax, for logs, the environment of commands, and <c>check</c>.</summary>
    public string Text { get; }

    /// <summary>Evaluates on the main loop's thread only: the stack is shared between calls.</summary>
    public Truth Evaluate(Readings readings)
    {
        Instruction[] code = _code;
        Truth[] stack = _stack;
        double[] values = readings.Values;
        bool[] available = readings.Available;
        int top = 0;
        for (int i = 0; i < code.Length; i++)
        {
            ref readonly Instruction instruction = ref code[i];
            switch (instruction.Op)
            {
                case OpCode.Compare:
                    stack[top++] = available[instruction.Slot]
                        ? Compare(values[instruction.Slot], instruction.Compare, instruction.Threshold)
                        : Truth.Unknown;
                    break;
                case OpCode.Not:
                    stack[top - 1] = stack[top - 1] switch
                    {
                        Truth.True => Truth.False,
                        Truth.False => Truth.True,
                        _ => Truth.Unknown,
                    };
                    break;
                case OpCode.And:
                    top--;
                    stack[top - 1] = And(stack[top - 1], stack[top]);
                    break;
                case OpCode.Or:
                    top--;
                    stack[top - 1] = Or(stack[top - 1], stack[top]);
                    break;
            }
        }

        return stack[0];
    }

    private static Truth Compare(double value, CompareOp op, double threshold)
    {
        bool result = op switch
        {
            CompareOp.Equal => value == threshold,
            CompareOp.NotEqual => value != threshold,
            CompareOp.Less => value < threshold,
            CompareOp.LessOrEqual => value <= threshold,
            CompareOp.Greater => value > threshold,
            _ => value >= threshold,
        };
        return result ? Truth.True : Truth.False;
    }

    private static Truth And(Truth a, Truth b) =>
        a == Truth.False || b == Truth.False ? Truth.False
        : a == Truth.True && b == Truth.True ? Truth.True
        : Truth.Unknown;

    private static Truth Or(Truth a, Truth b) =>
        a == Truth.True || b == Truth.True ? Truth.True
        : a == Truth.False && b == Truth.False ? Truth.False
        : Truth.Unknown;

    public readonly record struct Instruction(OpCode Op, int Slot = 0, CompareOp Compare = default, double Threshold = 0);
}
