namespace Hookline.Dashboard;

/// <summary>Who the page is showing webhooks for: what <c>api/session</c> answers.</summary>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="ReadOnly">Whether changes are refused (the page then hides them).</param>
internal sealed record DashboardCaller(string Tenant, bool ReadOnly);
