using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Http;

/// <summary><c>server { http ... }</c>: loopback by default, other addresses only when written <c>public</c>.</summary>
public sealed class HttpConfigTests
{
    [Theory]
    [InlineData("server { http \"127.0.0.1:2812\" }", "127.0.0.1:2812", false)]
    [InlineData("server { http \"[::1]:2812\" }", "[::1]:2812", false)]
    [InlineData("server { http \"/run/tinyfence/http.sock\" }", "/run/tinyfence/http.sock", false)]
    [InlineData("server { http \"0.0.0.0:2812\" public }", "0.0.0.0:2812", true)]
    public void TheEndpointIsParsed(string text, string endpoint, bool isPublic)
    {
        var http = TestConfig.LoadValid(text).Server!.Http!;
        Assert.Equal((endpoint, isPublic), (http.ToString(), http.IsPublic));
    }

    [Theory]
    [InlineData("server { http \"0.0.0.0:2812\" }", "1:15: 0.0.0.0:2812 is not a loopback address: write 'http \"0.0.0.0:2812\" public' to serve the status to other hosts")]
    [InlineData("server { http \"localhost\" }", "1:15: an address and port such as \"127.0.0.1:2812\"")]
    [InlineData("server { http \"127.0.0.1\" }", "1:15: an address and port such as \"127.0.0.1:2812\"")]
    public void AnEndpointOffTheLoopbackOrWithoutAPortIsRefused(string text, string expected) => TestConfig.AssertFirstError(text, expected);

    [Fact]
    public void AServerSectionWithoutHttpHasNoEndpoint() => Assert.Null(TestConfig.LoadValid("server { }").Server!.Http);
}
