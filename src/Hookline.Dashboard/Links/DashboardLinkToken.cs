using System.Text.Json.Serialization;

namespace Hookline.Dashboard.Links;

/// <summary>What a link carries, protected by Data Protection (encrypted and authenticated): nobody can read or change it.</summary>
/// <param name="Id">Random: the link's identity, remembered once used.</param>
/// <param name="Tenant">The tenant it opens.</param>
/// <param name="ReadOnly">Whether the session may only read.</param>
/// <param name="IssuedAt">When it was made: a revocation of the tenant's sessions at or after this time voids it.</param>
/// <param name="ExpiresAt">When it stops opening.</param>
internal sealed record DashboardLinkToken(
    [property: JsonPropertyName("i")] string Id,
    [property: JsonPropertyName("t")] string Tenant,
    [property: JsonPropertyName("r")] bool ReadOnly,
    [property: JsonPropertyName("m")] DateTimeOffset IssuedAt,
    [property: JsonPropertyName("e")] DateTimeOffset ExpiresAt);

[JsonSerializable(typeof(DashboardLinkToken))]
[JsonSerializable(typeof(Sessions.DashboardSession))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
