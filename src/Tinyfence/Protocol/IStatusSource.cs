using System.Buffers;

namespace Tinyfence.Protocol;

/// <summary>
/// What answers <c>STATUS</c> and <c>METRICS</c>: the daemon's status board. The protocol only
/// frames the reply (the lines, then <c>END</c>); what the lines say is the board's business.
/// </summary>
public interface IStatusSource
{
    /// <summary>The status as indented JSON (its lines never read <c>END</c>), without a final newline.</summary>
    void WriteJson(IBufferWriter<byte> output);

    /// <summary>The Prometheus text exposition, every line ending in '\n'.</summary>
    void WriteMetrics(IBufferWriter<byte> output);
}
