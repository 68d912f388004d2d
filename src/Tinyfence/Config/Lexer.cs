namespace Tinyfence.Config;

/// <summary>
/// Splits a config file into tokens. More lenient than sysfence, which needed blanks around every
/// brace and operator: <c>la1&lt;=2}</c> is three tokens here. Errors (an unterminated string, a
/// stray character) are reported and lexing goes on, so the parser can report later errors too.
/// </summary>
public sealed class Lexer
{
    private readonly string _text;
    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string file, string text, DiagnosticBag diagnostics)
    {
        _file = file;
        _text = text;
        _diagnostics = diagnostics;
    }

    public static List<Token> Tokenize(string file, string text, DiagnosticBag diagnostics)
    {
        var lexer = new Lexer(file, text, diagnostics);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.EndOfFile);
        return tokens;
    }

    public Token Next()
    {
        SkipBlanksAndComments();
        if (_position >= _text.Length)
        {
            return new Token(TokenKind.EndOfFile, "", Here());
        }

        SourceLocation start = Here();
        char c = _text[_position];
        if (c is '\'' or '"')
        {
            return ReadString(start, c);
        }

        if (char.IsAsciiDigit(c))
        {
            return ReadWhile(TokenKind.Number, start, static ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '%');
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            return ReadWhile(TokenKind.Word, start, static ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.');
        }

        char next = _position + 1 < _text.Length ? _text[_position + 1] : '\0';
        switch (c)
        {
            case '{': return Single(TokenKind.OpenBrace, start);
            case '}': return Single(TokenKind.CloseBrace, start);
            case '(': return Single(TokenKind.OpenParen, start);
            case ')': return Single(TokenKind.CloseParen, start);
            case ',': return Single(TokenKind.Comma, start);
            case '&' when next == '&': return Double(TokenKind.AndAnd, start);
            case '|' when next == '|': return Double(TokenKind.OrOr, start);
            case '|': return Single(TokenKind.Pipe, start);
            case '!' when next == '=': return Double(TokenKind.Operator, start);
            case '!': return Single(TokenKind.Bang, start);
            case '<' when next is '=' or '>': return Double(TokenKind.Operator, start);
            case '>' when next == '=': return Double(TokenKind.Operator, start);
            case '=' when next is '=' or '<' or '>': return Double(TokenKind.Operator, start);
            case '<' or '>' or '=': return Single(TokenKind.Operator, start);
            default:
                // Take the whole rune so a stray multi-byte character is reported once.
                int length = char.IsHighSurrogate(c) && _position + 1 < _text.Length ? 2 : 1;
                string text = _text.Substring(_position, length);
                Advance(length);
                return new Token(TokenKind.Invalid, text, start);
        }
    }

    private SourceLocation Here() => new(_file, _line, _position - _lineStart + 1);

    private Token Single(TokenKind kind, SourceLocation start)
    {
        Advance(1);
        return new Token(kind, _text.Substring(_position - 1, 1), start);
    }

    private Token Double(TokenKind kind, SourceLocation start)
    {
        Advance(2);
        return new Token(kind, _text.Substring(_position - 2, 2), start);
    }

    private Token ReadWhile(TokenKind kind, SourceLocation start, Func<char, bool> accepts)
    {
        int begin = _position;
        while (_position < _text.Length && accepts(_text[_position]))
        {
            _position++;
        }

        return new Token(kind, _text[begin.._position], start);
    }

    // sysfence's strings: '...' or "...". A quote preceded by a backslash does not end the string,
    // and the backslash stays in the text (sysfence knows no other escapes; the shell sees it).
    private Token ReadString(SourceLocation start, char quote)
    {
        int contentStart = _position + 1;
        int i = contentStart;
        while (i < _text.Length)
        {
            char c = _text[i];
            if (c == quote && _text[i - 1] != '\\')
            {
                string content = _text[contentStart..i];
                Advance(i + 1 - _position);
                return new Token(TokenKind.String, content, start);
            }

            i++;
        }

        // Unterminated: report it, and end the string at the end of its first line so that the
        // rules after it are still read and checked.
        int lineEnd = _text.IndexOf('\n', contentStart);
        if (lineEnd < 0)
        {
            lineEnd = _text.Length;
        }

        _diagnostics.Error(start, $"unterminated string: the {quote} opened here is never closed");
        string partial = _text[contentStart..lineEnd].TrimEnd('\r');
        Advance(lineEnd - _position);
        return new Token(TokenKind.String, partial, start);
    }

    private void SkipBlanksAndComments()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }
            }
            else if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v')
            {
                Advance(1);
            }
            else
            {
                return;
            }
        }
    }

    // The one place that moves across newlines and so keeps line and column right.
    private void Advance(int count)
    {
        int end = _position + count;
        for (; _position < end; _position++)
        {
            if (_text[_position] == '\n')
            {
                _line++;
                _lineStart = _position + 1;
            }
        }
    }
}
