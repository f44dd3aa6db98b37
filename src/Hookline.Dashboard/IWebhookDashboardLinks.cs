namespace Hookline.Dashboard;

/// <summary>
/// Makes one-time links that open the webhook dashboard for a tenant: for apps whose users sign in with API keys or tokens,
/// which a browser cannot carry. The same links answer <c>POST {management prefix}/dashboard-links</c>.
/// </summary>
public interface IWebhookDashboardLinks
{
    /// <summary>
    /// A link that opens the dashboard for <paramref name="tenant"/>, once, within <see cref="WebhookDashboardOptions.LinkLifetime"/>:
    /// opening it starts a session in that browser, scoped to the dashboard's path, and drops the link from the address bar.
    /// </summary>
    /// <param name="tenant">The tenant whose webhooks the dashboard shows; the caller decides that it is the user's.</param>
    /// <param name="readOnly">Whether the session may only read: every change is then refused (403).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The link, relative to the app's root, and when it expires.</returns>
    /// <exception cref="InvalidOperationException">The dashboard is not mapped (<c>MapWebhookDashboard</c>).</exception>
    Task<WebhookDashboardLink> CreateAsync(string tenant, bool readOnly = false, CancellationToken cancellationToken = default);
}
