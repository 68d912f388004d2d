using System.Globalization;
using System.Text;
using Tinyfence.Blocklist;

namespace Tinyfence.Tests.Blocklist;

/// <summary>Distinct canonical address texts, reproducible from a seed.</summary>
internal static class TestKeys
{
    public static List<string> IPv4(int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keys = new List<string>(count);
        while (keys.Count < count)
        {
            string key = string.Create(CultureInfo.InvariantCulture,
                $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}");
            if (seen.Add(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>Eight groups of four hex digits: 39 bytes, the longest RFC 5952 form without an embedded IPv4.</summary>
    public static List<string> LongIPv6(int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keys = new List<string>(count);
        while (keys.Count < count)
        {
            var text = new StringBuilder("2001:db8");
            for (int i = 0; i < 6; i++)
            {
                text.Append(':').Append(random.Next(0x1000, 0x10000).ToString("x4", CultureInfo.InvariantCulture));
            }

            string key = text.ToString();
            if (seen.Add(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    public static byte[][] Bytes(IEnumerable<string> keys) => keys.Select(Encoding.ASCII.GetBytes).ToArray();

    public static SdbmCommitResult Write(SdbmMapWriter writer, IEnumerable<string> keys)
    {
        writer.Begin();
        foreach (string key in keys)
        {
            writer.Add(Encoding.ASCII.GetBytes(key));
        }

        return writer.Commit();
    }
}
