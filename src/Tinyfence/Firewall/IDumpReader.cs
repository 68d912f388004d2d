namespace Tinyfence.Firewall;

/// <summary>Receives each message of a dump; a struct implementation keeps dumps allocation-free.</summary>
internal interface IDumpReader
{
    void Read(byte family, ReadOnlySpan<byte> attributes);
}
