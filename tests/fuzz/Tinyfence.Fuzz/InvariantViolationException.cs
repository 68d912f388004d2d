namespace Tinyfence.Fuzz;

/// <summary>A parser accepted or produced something it promises never to: afl counts it as a crash.</summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException(string message)
        : base(message)
    {
    }

    public InvariantViolationException()
    {
    }

    public InvariantViolationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public static void Check(bool holds, string promise)
    {
        if (!holds)
        {
            throw new InvariantViolationException(promise);
        }
    }
}
