using System.Buffers.Binary;
using System.Numerics;
using Tinyfence.Interop;

namespace Tinyfence.Table;

/// <summary>
/// A table saved to disk: written to a temporary file, fsync'd, renamed over the old snapshot
/// (and the directory fsync'd), so a crash leaves the old snapshot or the new one, never a mix.
/// Entries keep the time their score was decayed to, so on load the time the daemon was down
/// decays them like any other time. A snapshot that fails its checks is moved aside and
/// reported; the table then starts empty rather than keep the daemon from starting.
/// </summary>
/// <remarks>
/// Layout, little-endian: "TFSCORE1", u32 version, u32 record size, u64 saved-at; records of
/// key hi, key lo (u64), score, decayed-at, last-hit (u32); then u32 record count and the
/// CRC-32C of everything before it.
/// </remarks>
public static class TableSnapshot
{
    private const ulong Magic = 0x3145524F43534654; // "TFSCORE1"
    private const uint Version = 1;
    private const int HeaderSize = 24;
    private const int RecordSize = 28;
    private const int TrailerSize = 8;

    /// <summary>Saves every entry with a score left; returns how many.</summary>
    public static int Save(ScoreTable table, string path)
    {
        string temporary = path + ".tmp";
        int count;
        try
        {
            count = WriteTemporary(table, temporary);
        }
        catch
        {
            // A full disk must not keep the half-written file: it holds space the next save needs.
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, path, overwrite: true);
        Libc.FSyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/");
        return count;
    }

    private static int WriteTemporary(ScoreTable table, string temporary)
    {
        int count;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var writer = new RecordWriter(file);
            Span<byte> header = stackalloc byte[HeaderSize];
            BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], RecordSize);
            BinaryPrimitives.WriteUInt64LittleEndian(header[16..], table.Now);
            writer.Write(header);

            table.ForEach(table.Now, ref writer);
            count = writer.Count;

            Span<byte> trailer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, (uint)count);
            writer.Write(trailer);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, writer.Crc);
            file.Write(trailer);
            file.Flush(flushToDisk: true);
        }

        return count;
    }

    /// <summary>
    /// Loads a snapshot into <paramref name="table"/>. A missing file is an empty table (first
    /// start). A damaged one is renamed to <c>PATH.corrupt-UNIXTIME</c>, nothing is loaded, and
    /// the reason is returned in <paramref name="problem"/>.
    /// </summary>
    public static int Load(ScoreTable table, string path, out string? problem)
    {
        problem = null;
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            problem = $"{path}: cannot be read ({e.Message}); the table starts empty";
            return 0;
        }

        problem = Check(data);
        if (problem is not null)
        {
            string aside = $"{path}.corrupt-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
            try
            {
                File.Move(path, aside, overwrite: true);
                problem = $"{path}: {problem}; moved to {aside}, the table starts empty";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"{path}: {problem}; it could not be moved aside ({e.Message}), the table starts empty";
            }

            return 0;
        }

        ReadOnlySpan<byte> records = data.AsSpan(HeaderSize, data.Length - HeaderSize - TrailerSize);
        int count = 0;
        for (; !records.IsEmpty; records = records[RecordSize..])
        {
            var key = new IpKey(
                BinaryPrimitives.ReadUInt64LittleEndian(records),
                BinaryPrimitives.ReadUInt64LittleEndian(records[8..]));
            var stored = new StoredScore(
                key,
                BinaryPrimitives.ReadInt32LittleEndian(records[16..]),
                BinaryPrimitives.ReadUInt32LittleEndian(records[20..]),
                BinaryPrimitives.ReadUInt32LittleEndian(records[24..]));
            table.Restore(stored);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Writes the trailer (record count, checksum) that makes <paramref name="snapshot"/> pass the
    /// file checks, so the fuzzer reaches the records behind the checksum.
    /// </summary>
    internal static void Seal(Span<byte> snapshot)
    {
        if (snapshot.Length < HeaderSize + TrailerSize)
        {
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(snapshot[^TrailerSize..], (uint)((snapshot.Length - HeaderSize - TrailerSize) / RecordSize));
        BinaryPrimitives.WriteUInt32LittleEndian(snapshot[^4..], Crc32C(0, snapshot[..^4]));
    }

    private static string? Check(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize + TrailerSize)
        {
            return $"truncated ({data.Length} bytes)";
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(data) != Magic)
        {
            return "not a Tinyfence score snapshot";
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (version != Version || BinaryPrimitives.ReadUInt32LittleEndian(data[12..]) != RecordSize)
        {
            return $"snapshot version {version} is not supported (this is version {Version})";
        }

        long records = data.Length - HeaderSize - TrailerSize;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data[^TrailerSize..]);
        if (records % RecordSize != 0 || records / RecordSize != count)
        {
            return $"truncated or padded: {records} bytes of records for {count} entries";
        }

        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
        if (Crc32C(0, data[..^4]) != expected)
        {
            return "checksum mismatch";
        }

        return null;
    }

    private static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    private struct RecordWriter : IEntryVisitor
    {
        private readonly Stream _file;

        public RecordWriter(Stream file) => _file = file;

        public int Count { get; private set; }

        public uint Crc { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Crc = Crc32C(Crc, bytes);
            _file.Write(bytes);
        }

        public void Visit(in StoredScore entry, int scoreNow)
        {
            if (scoreNow <= 0)
            {
                return;
            }

            Span<byte> record = stackalloc byte[RecordSize];
            BinaryPrimitives.WriteUInt64LittleEndian(record, entry.Key.Hi);
            BinaryPrimitives.WriteUInt64LittleEndian(record[8..], entry.Key.Lo);
            BinaryPrimitives.WriteInt32LittleEndian(record[16..], entry.Score);
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], entry.DecayedAt);
            BinaryPrimitives.WriteUInt32LittleEndian(record[24..], entry.LastHit);
            Write(record);
            Count++;
        }
    }
}
