using System.Text;
using Tinyfence.Table;

namespace Tinyfence.Tests.Support;

/// <summary>Addresses written as text, for tests that state their keys the way a client sends them.</summary>
internal static class AddressText
{
    /// <summary>The key the text parses to; the test fails, naming the text, if it does not parse.</summary>
    public static IpKey Key(string text)
    {
        Assert.True(IpKey.TryParse(Encoding.Latin1.GetBytes(text), out IpKey key), text);
        return key;
    }
}
