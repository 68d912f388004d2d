using System.Text.Json.Serialization;

namespace Tinyfence.Status;

/// <summary>
/// The status report's JSON, generated at build time. Serialization only (the fast path writes
/// straight to a Utf8JsonWriter): nothing here reads JSON back, and leaving out the metadata
/// keeps the binary small.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Serialization,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
