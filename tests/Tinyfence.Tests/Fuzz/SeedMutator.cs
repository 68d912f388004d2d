namespace Tinyfence.Tests.Fuzz;

/// <summary>
/// A small, deterministic stand-in for afl's havoc stage: from a fixed seed it picks a seed file
/// and stacks a few byte-level mutations on it (flips, interesting bytes, inserts, deletions,
/// duplicated runs, splices with another seed), so every run of the tests tries the same inputs.
/// </summary>
public sealed class SeedMutator
{
    // Bytes the parsers split or stop on: separators, quotes, signs, digits' edges, NUL, 0xFF.
    private static readonly byte[] s_interesting = "\0\n\r\t \"\\:.-+0189{}()=%/*?\u007f"u8.ToArray().Append((byte)0xFF).ToArray();

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;

    public SeedMutator(int seed, IReadOnlyList<byte[]> seeds)
    {
        _random = new Random(seed);
        _seeds = seeds;
    }

    public byte[] Next()
    {
        var input = new List<byte>(_seeds[_random.Next(_seeds.Count)]);
        int mutations = 1 + _random.Next(4);
        for (int i = 0; i < mutations; i++)
        {
            Mutate(input);
        }

        return [.. input];
    }

    private void Mutate(List<byte> input)
    {
        int at = _random.Next(input.Count + 1);
        bool inside = at < input.Count;
        switch (_random.Next(7))
        {
            case 0 when inside:
                input[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when inside:
                input[at] = s_interesting[_random.Next(s_interesting.Length)];
                break;
            case 2:
                input.Insert(at, s_interesting[_random.Next(s_interesting.Length)]);
                break;
            case 3 when inside:
                input.RemoveRange(at, 1 + _random.Next(Math.Min(16, input.Count - at)));
                break;
            case 4 when inside:
                int length = 1 + _random.Next(Math.Min(32, input.Count - at));
                input.InsertRange(_random.Next(input.Count + 1), input.GetRange(at, length));
                break;
            case 5:
                byte[] other = _seeds[_random.Next(_seeds.Count)];
                int from = _random.Next(other.Length + 1);
                input.InsertRange(at, other.AsSpan(from, _random.Next(other.Length - from + 1)).ToArray());
                break;
            default:
                input.Insert(at, (byte)_random.Next(256));
                break;
        }
    }
}
