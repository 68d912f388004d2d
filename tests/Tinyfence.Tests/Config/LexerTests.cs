using Tinyfence.Config;

namespace Tinyfence.Tests.Config;

public class LexerTests
{
    private static List<Token> Lex(string text, DiagnosticBag? diagnostics = null) =>
        Lexer.Tokenize("t.conf", text, diagnostics ?? new DiagnosticBag());

    [Theory]
    [InlineData("la1<=2}", new[] { "la1", "<=", "2", "}" })]
    [InlineData("la1 =< 2", new[] { "la1", "=<", "2" })]
    [InlineData("la1=>2", new[] { "la1", "=>", "2" })]
    [InlineData("la1<>2", new[] { "la1", "<>", "2" })]
    [InlineData("la1!=2", new[] { "la1", "!=", "2" })]
    [InlineData("la1==2", new[] { "la1", "==", "2" })]
    [InlineData("la1=2", new[] { "la1", "=", "2" })]
    [InlineData("a&&b||c", new[] { "a", "&&", "b", "||", "c" })]
    [InlineData("nproc 0|33", new[] { "nproc", "0", "|", "33" })]
    [InlineData("memfree<256M", new[] { "memfree", "<", "256M" })]
    [InlineData("memavail < 12.5%", new[] { "memavail", "<", "12.5%" })]
    [InlineData("{(not x)}", new[] { "{", "(", "not", "x", ")", "}" })]
    public void SplitsTokensWithoutNeedingBlanks(string text, string[] expected)
    {
        List<Token> tokens = Lex(text);
        Assert.Equal(expected, tokens.Where(t => t.Kind != TokenKind.EndOfFile).Select(t => t.Text));
    }

    [Fact]
    public void CommentsRunToTheEndOfTheLine()
    {
        List<Token> tokens = Lex("la1 # > 5 { }\n> 2");
        Assert.Equal(["la1", ">", "2", ""], tokens.Select(t => t.Text));
    }

    [Fact]
    public void CountsLinesAndColumnsAcrossCrLfAndTabs()
    {
        List<Token> tokens = Lex("rule \"a\" {\r\n\tla1 > 2 }");
        Token la1 = tokens.Single(t => t.Text == "la1");
        Assert.Equal(2, la1.Location.Line);
        Assert.Equal(2, la1.Location.Column);
    }

    [Theory]
    [InlineData("'echo \"hi\"'", "echo \"hi\"")]
    [InlineData("\"it's\"", "it's")]
    [InlineData(@"'don\'t'", @"don\'t")]
    [InlineData("'line1\nline2'", "line1\nline2")]
    [InlineData("''", "")]
    public void StringsKeepSysfencesBackslashQuoteRule(string text, string content)
    {
        Token token = Lex(text)[0];
        Assert.Equal(TokenKind.String, token.Kind);
        Assert.Equal(content, token.Text);
    }

    [Fact]
    public void UnterminatedStringIsReportedAndEndsAtItsLine()
    {
        var diagnostics = new DiagnosticBag();
        List<Token> tokens = Lex("run 'abc\nrule", diagnostics);
        Assert.Equal("t.conf:1:5: error: unterminated string: the ' opened here is never closed", diagnostics.Items.Single().ToString());
        Assert.Equal("abc", tokens[1].Text);
        Assert.True(tokens[2].IsWord("rule"));
    }

    [Fact]
    public void StrayCharacterBecomesAnInvalidToken()
    {
        List<Token> tokens = Lex("la1 $ 2");
        Assert.Equal(TokenKind.Invalid, tokens[1].Kind);
        Assert.Equal("'$'", tokens[1].Describe());
    }

    [Fact]
    public void ControlCharactersAreEscapedInMessages()
    {
        Assert.Equal("'a0x01b'", Token.Quote("a\u0001b", '\''));
    }
}
