using Tinyfence.Server;

namespace Tinyfence.Tests.Server;

public sealed class HeldBytesTests
{
    [Fact]
    public void HeldBytesAreEmptyAgainOnceUsedUpOrReleased()
    {
        var held = default(HeldBytes);
        held.Hold("HIT spam 192.0.2.1\n"u8);
        Assert.False(held.Consume(4));
        Assert.Equal("spam 192.0.2.1\n"u8.ToArray(), held.Span.ToArray());
        Assert.True(held.Consume(15));
        Assert.True(held.IsEmpty && held.Span.IsEmpty);

        held.Hold("PING"u8);
        held.Release();
        Assert.True(held.IsEmpty && held.Span.IsEmpty);
    }

    [Fact]
    public void HoldingNothingHoldsNothing()
    {
        var held = default(HeldBytes);
        held.Hold([]);
        Assert.True(held.IsEmpty && held.Span.IsEmpty);
    }
}
