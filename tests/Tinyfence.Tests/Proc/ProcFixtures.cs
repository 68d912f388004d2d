using Tinyfence.Testing;
using System.Text;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Proc;

/// <summary>The fake /proc trees of fixtures/proc.</summary>
internal static class ProcFixtures
{
    public static string Tree(string name) => RepoRoot.Fixture("proc", name);

    /// <summary>Text as bytes, each char one byte (so "\xff" stays one byte 0xFF).</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>A parser of one /proc file's text, as the Proc parsers' TryParse.</summary>
    public delegate bool Parser<T>(ReadOnlySpan<byte> text, out T value);

    /// <summary>The parser refuses the text (<paramref name="why"/> says why it must) and leaves the value at its default.</summary>
    public static void AssertRefused<T>(Parser<T> parse, string text, string why)
    {
        Assert.False(parse(Bytes(text), out T value), why);
        Assert.Equal(default, value);
    }
}
