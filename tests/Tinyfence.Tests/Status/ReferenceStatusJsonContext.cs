using System.Text.Json.Serialization;
using Tinyfence.Status;

namespace Tinyfence.Tests.Status;

/// <summary>The source-generated serializer the daemon used before, as it was configured: the reference.</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Serialization,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class ReferenceStatusJsonContext : JsonSerializerContext;
