using System.Security.Cryptography.X509Certificates;

namespace Tinyfence.Alerts;

/// <summary>The roots one connection trusts, and where they came from (for messages).</summary>
internal sealed record TrustAnchors(X509Certificate2Collection Roots, string Description);
