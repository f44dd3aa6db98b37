namespace Hookline.Dashboard;

/// <summary>Who the page is showing webhooks for: what <c>api/session</c> answers.</summary>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="Name">
/// The tenant's name for people (<see cref="WebhookDashboardOptions.TenantDisplayName"/>, else the tenant), shown in the page's header.
/// </param>
/// <param name="ReadOnly">Whether changes and secrets are refused (the page then hides them).</param>
/// <param name="LinkSession">Whether a link opened the session (the page then offers to sign out), rather than the app's sign-in.</param>
internal sealed record DashboardCaller(string Tenant, string Name, bool ReadOnly, bool LinkSession);
