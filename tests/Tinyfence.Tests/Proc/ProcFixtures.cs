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
}
