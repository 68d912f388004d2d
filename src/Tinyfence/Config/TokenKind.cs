namespace Tinyfence.Config;

public enum TokenKind
{
    EndOfFile,

    /// <summary>A keyword or name: letters, digits, '_', '-' and '.'.</summary>
    Word,

    /// <summary>A number with whatever suffix is glued to it: <c>10.00</c>, <c>256M</c>, <c>30s</c>, <c>90%</c>.</summary>
    Number,

    /// <summary>Text between single or double quotes; <see cref="Token.Text"/> holds the content without quotes.</summary>
    String,

    /// <summary>A comparison operator: = == != &lt;&gt; &lt; &lt;= =&lt; &gt; &gt;= =&gt;.</summary>
    Operator,

    OpenBrace,
    CloseBrace,
    OpenParen,
    CloseParen,
    Comma,

    /// <summary>'|' between nproc users or states (sysfence's other separator).</summary>
    Pipe,

    /// <summary><c>&amp;&amp;</c>, sysfence's symbol for 'and'.</summary>
    AndAnd,

    /// <summary><c>||</c>, sysfence's symbol for 'or'.</summary>
    OrOr,

    /// <summary><c>!</c>, a symbol for 'not'.</summary>
    Bang,

    /// <summary>A character the language has no use for; the parser reports it.</summary>
    Invalid,
}
