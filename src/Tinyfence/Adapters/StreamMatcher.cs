using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tinyfence.Adapters;

/// <summary>
/// Runs a <see cref="PatternSet"/> over a body that arrives in chunks, twice at once: over the raw
/// bytes, and over the bytes as a form decoder sees them (<c>+</c> is a space, <c>%XX</c> a byte),
/// so <c>viagra</c> also matches <c>vi%61gra</c> and <c>cheap+pills</c> matches <c>cheap pills</c>.
/// A pattern or an escape split across chunks is found as if the body came in one piece.
/// </summary>
/// <remarks>
/// The two automaton states advance in one loop. Outside escapes both see the same byte, and once
/// they have come together (a pattern's length after the last escape) one table load serves both,
/// so plain text costs about what a single scan does. A malformed escape (<c>%zz</c>, a <c>%</c> at
/// the end) is decoded as its literal bytes, as PHP and most form parsers do.
/// </remarks>
public sealed class StreamMatcher
{
    private const byte Percent = (byte)'%';
    private const byte Plus = (byte)'+';

    private readonly PatternAutomaton _automaton;
    private int _raw;
    private int _decoded;
    private EscapeStep _step;
    private byte _firstDigit;
    private int _match = -1;

    public StreamMatcher(PatternSet patterns) => _automaton = patterns.Automaton;

    private enum EscapeStep : byte
    {
        None,
        Percent,
        FirstDigit,
    }

    /// <summary>The index of the first pattern found, or -1.</summary>
    public int MatchedPattern => _match;

    public bool HasMatch => _match >= 0;

    /// <summary>Scans the next chunk of the body; returns <see cref="MatchedPattern"/>. After a match the rest is not scanned.</summary>
    public int Feed(ReadOnlySpan<byte> chunk)
    {
        if (_match >= 0)
        {
            return _match;
        }

        // Refs into the tables skip the bounds checks: every state is a row start below
        // next.Length - classCount, and every class is below classCount, by construction.
        ref int next = ref MemoryMarshal.GetArrayDataReference(_automaton.Next);
        ref byte classOf = ref MemoryMarshal.GetArrayDataReference(_automaton.ClassOf);
        int firstMatch = _automaton.FirstMatchState;
        int raw = _raw;
        int decoded = _decoded;
        bool inEscape = _step != EscapeStep.None;
        int spaceClass = Unsafe.Add(ref classOf, (byte)' ');
        foreach (byte b in chunk)
        {
            int cls = Unsafe.Add(ref classOf, b);
            int previousRaw = raw;
            raw = Unsafe.Add(ref next, raw + cls);
            if (raw >= firstMatch)
            {
                return Matched(raw);
            }

            if (b != Percent && b != Plus && !inEscape)
            {
                if (decoded == previousRaw)
                {
                    decoded = raw;
                }
                else
                {
                    decoded = Unsafe.Add(ref next, decoded + cls);
                    if (decoded >= firstMatch)
                    {
                        return Matched(decoded);
                    }
                }
            }
            else if (b == Plus && !inEscape)
            {
                // A form's space: common enough in text to stay in the loop.
                decoded = Unsafe.Add(ref next, decoded + spaceClass);
                if (decoded >= firstMatch)
                {
                    return Matched(decoded);
                }
            }
            else
            {
                if (DecodeEscapeByte(b, ref decoded))
                {
                    return Matched(decoded);
                }

                inEscape = _step != EscapeStep.None;
            }
        }

        _raw = raw;
        _decoded = decoded;
        return -1;
    }

    /// <summary>The body has ended: an escape left open is decoded as its literal bytes. Returns <see cref="MatchedPattern"/>.</summary>
    public int Finish()
    {
        if (_match >= 0)
        {
            return _match;
        }

        int decoded = _decoded;
        bool matched = _step switch
        {
            EscapeStep.Percent => Emit(ref decoded, Percent),
            EscapeStep.FirstDigit => Emit(ref decoded, Percent) || Emit(ref decoded, _firstDigit),
            _ => false,
        };
        _step = EscapeStep.None;
        _decoded = decoded;
        return matched ? Matched(decoded) : -1;
    }

    /// <summary>Ready for another body.</summary>
    public void Reset()
    {
        _raw = PatternAutomaton.Start;
        _decoded = PatternAutomaton.Start;
        _step = EscapeStep.None;
        _match = -1;
    }

    private int Matched(int state) => _match = _automaton.PatternAt(state);

    // The decoder's slow path: inside an escape, or at a '%' or '+'. True when a pattern ends.
    private bool DecodeEscapeByte(byte b, ref int decoded)
    {
        switch (_step)
        {
            case EscapeStep.Percent:
                if (IsHexDigit(b))
                {
                    _firstDigit = b;
                    _step = EscapeStep.FirstDigit;
                    return false;
                }

                _step = EscapeStep.None;
                return Emit(ref decoded, Percent) || DecodePlain(b, ref decoded);

            case EscapeStep.FirstDigit:
                _step = EscapeStep.None;
                if (IsHexDigit(b))
                {
                    return Emit(ref decoded, (byte)((HexValue(_firstDigit) << 4) | HexValue(b)));
                }

                return Emit(ref decoded, Percent) || Emit(ref decoded, _firstDigit) || DecodePlain(b, ref decoded);

            default:
                return DecodePlain(b, ref decoded);
        }
    }

    // A byte outside an escape: it may open one.
    private bool DecodePlain(byte b, ref int decoded)
    {
        if (b == Percent)
        {
            _step = EscapeStep.Percent;
            return false;
        }

        return Emit(ref decoded, b == Plus ? (byte)' ' : b);
    }

    private bool Emit(ref int decoded, byte value)
    {
        decoded = _automaton.Next[decoded + _automaton.ClassOf[value]];
        return decoded >= _automaton.FirstMatchState;
    }

    private static bool IsHexDigit(byte b) => HexValue(b) >= 0;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
