using Tinyfence.Table;

namespace Tinyfence.Protocol;

/// <summary>
/// Parses one request line (terminator removed; a trailing CR is ignored) into a
/// <see cref="Request"/>. Pure and allocation-free: the server calls it for every line.
/// </summary>
public static class RequestParser
{
    /// <summary>The largest number any request may carry (HIT's n, SET's n, ADVANCE's seconds).</summary>
    public const long MaxNumber = TableSpec.MaxScore;

    /// <summary>The largest k of <c>TOP</c>.</summary>
    public const int MaxTopCount = 1000;

    // The verb plus at most three arguments (HIT table ip n, SET table ip n).
    private const int MaxTokens = 4;

    // Verbs folded to lower case and read little-endian, so a token is matched with one compare.
    private const ulong WordGet = 'g' | ('e' << 8) | ('t' << 16);
    private const ulong WordHit = 'h' | ('i' << 8) | ('t' << 16);
    private const ulong WordSet = 's' | ('e' << 8) | ('t' << 16);
    private const ulong WordDel = 'd' | ('e' << 8) | ('l' << 16);
    private const ulong WordTop = 't' | ('o' << 8) | ('p' << 16);
    private const ulong WordPing = 'p' | ('i' << 8) | ('n' << 16) | ((ulong)'g' << 24);
    private const ulong WordCheck = 'c' | ('h' << 8) | ('e' << 16) | ((ulong)'c' << 24) | ((ulong)'k' << 32);
    private const ulong WordStats = 's' | ('t' << 8) | ('a' << 16) | ((ulong)'t' << 24) | ((ulong)'s' << 32);
    private const ulong WordQuiet = 'q' | ('u' << 8) | ('i' << 16) | ((ulong)'e' << 24) | ((ulong)'t' << 32);
    private const ulong WordStatus = 's' | ('t' << 8) | ('a' << 16) | ((ulong)'t' << 24) | ((ulong)'u' << 32) | ((ulong)'s' << 40);
    private const ulong WordMetrics = 'm' | ('e' << 8) | ('t' << 16) | ((ulong)'r' << 24) | ((ulong)'i' << 32)
        | ((ulong)'c' << 40) | ((ulong)'s' << 48);
    private const ulong WordAdvance = 'a' | ('d' << 8) | ('v' << 16) | ((ulong)'a' << 24) | ((ulong)'n' << 32)
        | ((ulong)'c' << 40) | ((ulong)'e' << 48);

    public static ParseStatus TryParse(ReadOnlySpan<byte> line, out Request request)
    {
        request = default;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        // Token boundaries as (start, length) pairs; tokens past MaxTokens are only counted.
        Span<int> bounds = stackalloc int[MaxTokens * 2];
        int tokenCount = Tokenize(line, bounds);
        if (tokenCount == 0 || !TryParseVerb(Token(line, bounds, 0), out Verb verb))
        {
            return ParseStatus.UnknownCommand;
        }

        // From here on the verb is known even when the request is refused: a quiet session
        // answers no error of a HIT, SET or DEL either.
        request = new Request { Verb = verb };
        int arguments = tokenCount - 1;
        bool countOk = verb switch
        {
            Verb.Ping or Verb.Stats or Verb.Quiet or Verb.Status or Verb.Metrics => arguments == 0,
            Verb.Advance => arguments == 1,
            Verb.Get or Verb.Del or Verb.Check or Verb.Top => arguments == 2,
            Verb.Hit => arguments is 2 or 3,
            Verb.Set => arguments == 3,
            _ => false,
        };
        if (!countOk)
        {
            return ParseStatus.WrongArgumentCount;
        }

        if (arguments == 0)
        {
            return ParseStatus.Ok;
        }

        if (verb == Verb.Advance)
        {
            if (!TryParseNumber(Token(line, bounds, 1), out long seconds) || seconds < 1)
            {
                return ParseStatus.BadNumber;
            }

            request = new Request { Verb = verb, Number = seconds, HasNumber = true };
            return ParseStatus.Ok;
        }

        ReadOnlySpan<byte> table = Token(line, bounds, 1);
        if (!TableSpec.IsValidName(table))
        {
            return ParseStatus.BadTableName;
        }

        if (verb == Verb.Top)
        {
            if (!TryParseNumber(Token(line, bounds, 2), out long k) || k < 1 || k > MaxTopCount)
            {
                return ParseStatus.BadNumber;
            }

            request = new Request { Verb = verb, Table = table, Number = k, HasNumber = true };
            return ParseStatus.Ok;
        }

        if (!IpKey.TryParse(Token(line, bounds, 2), out IpKey key))
        {
            return ParseStatus.BadAddress;
        }

        if (arguments == 2)
        {
            // HIT without n counts one hit.
            request = new Request { Verb = verb, Table = table, Key = key, Number = verb == Verb.Hit ? 1 : 0 };
            return ParseStatus.Ok;
        }

        long minimum = verb == Verb.Hit ? 1 : 0;
        if (!TryParseNumber(Token(line, bounds, 3), out long n) || n < minimum)
        {
            return ParseStatus.BadNumber;
        }

        request = new Request { Verb = verb, Table = table, Key = key, Number = n, HasNumber = true };
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Decimal digits only (no sign, no blanks), value at most <see cref="MaxNumber"/>. Leading
    /// zeros are allowed; the value is checked digit by digit, so no length overflows.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        long result = 0;
        foreach (byte c in text)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            result = (result * 10) + digit;
            if (result > MaxNumber)
            {
                return false;
            }
        }

        value = result;
        return true;
    }

    private static int Tokenize(ReadOnlySpan<byte> line, Span<int> bounds)
    {
        int count = 0;
        int i = 0;
        while (true)
        {
            while ((uint)i < (uint)line.Length && IsBlank(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                return count;
            }

            int start = i;
            while ((uint)i < (uint)line.Length && !IsBlank(line[i]))
            {
                i++;
            }

            if (count < MaxTokens)
            {
                bounds[count * 2] = start;
                bounds[(count * 2) + 1] = i - start;
            }

            count++;
        }
    }

    private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> line, scoped ReadOnlySpan<int> bounds, int index) =>
        line.Slice(bounds[index * 2], bounds[(index * 2) + 1]);

    private static bool IsBlank(byte c) => c is (byte)' ' or (byte)'\t';

    private static bool TryParseVerb(ReadOnlySpan<byte> token, out Verb verb)
    {
        verb = default;
        if (token.Length is < 3 or > 7)
        {
            return false;
        }

        // OR 0x20 maps exactly 'A'..'Z' onto 'a'..'z' among the bytes that can reach a letter,
        // and never yields 0, so the length stays part of the word.
        ulong word = 0;
        for (int i = 0; i < token.Length; i++)
        {
            word |= (ulong)(token[i] | 0x20) << (8 * i);
        }

        switch (word)
        {
            case WordGet: verb = Verb.Get; return true;
            case WordHit: verb = Verb.Hit; return true;
            case WordSet: verb = Verb.Set; return true;
            case WordDel: verb = Verb.Del; return true;
            case WordTop: verb = Verb.Top; return true;
            case WordPing: verb = Verb.Ping; return true;
            case WordCheck: verb = Verb.Check; return true;
            case WordStats: verb = Verb.Stats; return true;
            case WordQuiet: verb = Verb.Quiet; return true;
            case WordAdvance: verb = Verb.Advance; return true;
            case WordStatus: verb = Verb.Status; return true;
            case WordMetrics: verb = Verb.Metrics; return true;
            default: return false;
        }
    }
}
