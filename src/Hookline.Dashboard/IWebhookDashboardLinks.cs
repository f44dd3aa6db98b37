namespace Hookline.Dashboard;

/// <summary>
/// Makes one-time links that open the webhook dashboard for a tenant: for apps whose users sign in with API keys or tokens,
/// which a browser cannot carry. The same links answer <c>POST {management prefix}/dashboard-links</c>; the same revocation
/// answers <c>DELETE {management prefix}/dashboard-sessions</c>.
/// </summary>
public interface IWebhookDashboardLinks
{
    /// <summary>
    /// A link that opens the dashboard for <paramref name="tenant"/>, once, within <see cref="WebhookDashboardOptions.LinkLifetime"/>:
    /// it shows a page naming the tenant, whose button starts a session in that browser. Its token is in the link's fragment,
    /// which browsers never send to a server.
    /// </summary>
    /// <param name="tenant">The tenant whose webhooks the dashboard shows; the caller decides that it is the user's.</param>
    /// <param name="readOnly">
    /// Whether the session may only read: every change, and reading a signing secret, is then refused (403).
    /// </param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>
    /// The link, under <see cref="WebhookDashboardOptions.PublicBaseUrl"/> when it is set, else relative to the app's root; and
    /// when it expires.
    /// </returns>
    /// <exception cref="InvalidOperationException">The dashboard is not mapped (<c>MapWebhookDashboard</c>).</exception>
    Task<WebhookDashboardLink> CreateAsync(string tenant, bool readOnly = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends every dashboard session of <paramref name="tenant"/> opened by a link so far, in every browser and on every app
    /// instance sharing the webhook store, and voids its links made so far and not yet opened. Sessions of the app's own
    /// sign-in are not affected. Links made after this call open as usual.
    /// </summary>
    /// <param name="tenant">The tenant whose sessions end.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task RevokeAsync(string tenant, CancellationToken cancellationToken = default);
}
