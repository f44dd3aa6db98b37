namespace Hookline.Dashboard;

/// <summary>A one-time link to the webhook dashboard.</summary>
/// <param name="Url">
/// The link (<c>https://api.example.com/webhooks/dashboard/links#...</c>): under
/// <see cref="WebhookDashboardOptions.PublicBaseUrl"/>, or from the C# API without it, a path relative to the app's root.
/// Treat it as a password until it is used or expires.
/// </param>
/// <param name="ExpiresAt">Opening it after this time is refused.</param>
/// <param name="ReadOnly">Whether the session it opens may only read.</param>
public sealed record WebhookDashboardLink(string Url, DateTimeOffset ExpiresAt, bool ReadOnly);
