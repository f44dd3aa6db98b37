namespace Hookline.Dashboard;

/// <summary>A one-time link to the webhook dashboard.</summary>
/// <param name="Url">
/// The link: a path relative to the app's root (<c>/webhooks/dashboard/links/...</c>) from the C# API, an absolute URL from
/// the HTTP API. Treat it as a password until it is used or expires.
/// </param>
/// <param name="ExpiresAt">Opening it after this time is refused.</param>
/// <param name="ReadOnly">Whether the session it opens may only read.</param>
public sealed record WebhookDashboardLink(string Url, DateTimeOffset ExpiresAt, bool ReadOnly);
