using System.Text.Json.Serialization;

namespace Hookline.Dashboard.Sessions;

/// <summary>A browser's dashboard session, opened by a link: kept in its cookie, protected by Data Protection.</summary>
/// <param name="Tenant">Whose webhooks it shows.</param>
/// <param name="ReadOnly">Whether it may only read.</param>
/// <param name="OpenedAt">When the link was opened: the session ends <see cref="WebhookDashboardOptions.SessionLifetime"/> later.</param>
/// <param name="SeenAt">
/// When it was last used (to the minute): it ends <see cref="WebhookDashboardOptions.SessionIdleTimeout"/> later.
/// </param>
internal sealed record DashboardSession(
    [property: JsonPropertyName("t")] string Tenant,
    [property: JsonPropertyName("r")] bool ReadOnly,
    [property: JsonPropertyName("o")] DateTimeOffset OpenedAt,
    [property: JsonPropertyName("s")] DateTimeOffset SeenAt);
