using Tinyfence.Logging;

namespace Tinyfence.Tests.Logging;

/// <summary>
/// The text of an unexpected error. Under the JIT the frames have names and no code addresses,
/// so the text is the exception's own; the addresses the static binary adds are checked by hand
/// (README, "The static binary": addr2line on dist/tinyfence.dbg).
/// </summary>
public sealed class ExceptionTextTests
{
    [Fact]
    public void UnderTheJitTheTextIsTheExceptionsOwnWithItsInnerException()
    {
        Exception thrown = Catch(() => throw new InvalidOperationException("outer", Catch(() => throw new IOException("inner"))));

        string text = ExceptionText.Describe(thrown);

        Assert.Equal(thrown.ToString(), text);
        Assert.Contains("System.InvalidOperationException: outer", text, StringComparison.Ordinal);
        Assert.Contains("System.IO.IOException: inner", text, StringComparison.Ordinal);
        Assert.Contains(nameof(UnderTheJitTheTextIsTheExceptionsOwnWithItsInnerException), text, StringComparison.Ordinal);
    }

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("nothing was thrown");
    }
}
