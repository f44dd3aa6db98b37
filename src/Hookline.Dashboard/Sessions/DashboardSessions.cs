using Hookline.Dashboard.Links;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard.Sessions;

/// <summary>
/// Dashboard sessions in a cookie: HttpOnly, SameSite=Strict, and Secure with the <c>__Host-</c> name everywhere but over plain
/// http in Development (where the sample and the tests run). <c>__Host-</c> means no other host (a sibling subdomain) can set
/// or overwrite it, which would sign a browser in to another tenant's dashboard; it requires <c>Path=/</c>, so the app's other
/// routes receive the cookie too (only the dashboard's API reads it; within one origin a path was never a boundary anyway).
/// Strict holds although links arrive from other sites: the cookie is set by the link page's own same-origin form, and only
/// the page's same-origin calls need to send it. Not an authentication scheme: adding one would change an app's default
/// scheme when it has a single other one.
/// </summary>
internal sealed class DashboardSessions(
    IDataProtectionProvider protection,
    DashboardRevocations revocations,
    IOptions<WebhookDashboardOptions> options,
    IHostEnvironment environment,
    TimeProvider time)
{
    public const string SecureCookieName = "__Host-hookline-dashboard";
    public const string DevelopmentCookieName = "hookline-dashboard";

    // A session's last use is written back at most this often, not on every call.
    private static readonly TimeSpan s_refresh = TimeSpan.FromMinutes(1);

    private readonly SealedJson<DashboardSession> _sessions =
        new(protection.CreateProtector("Hookline.Dashboard.Session.v1"), DashboardJsonContext.Default.DashboardSession);

    private readonly bool _development = environment.IsDevelopment();

    public void Start(HttpContext http, DashboardLinkToken link)
    {
        var now = time.GetUtcNow();
        Write(http, new DashboardSession(link.Tenant, link.ReadOnly, now, now));
    }

    /// <summary>The browser's live session, or null; its cookie is left as it is.</summary>
    public async Task<DashboardSession?> FindAsync(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Cookie(http).Name, out var value) || _sessions.Open(value) is not { } session)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var settings = options.Value;
        return now - session.SeenAt > settings.SessionIdleTimeout
               || now - session.OpenedAt > settings.SessionLifetime
               || await revocations.IsRevokedAsync(session.Tenant, session.OpenedAt, http.RequestAborted).ConfigureAwait(false)
            ? null
            : session;
    }

    /// <summary>
    /// The browser's live session, kept alive; a session that ended or was revoked (or an unreadable cookie) is removed.
    /// </summary>
    public async Task<DashboardSession?> ResumeAsync(HttpContext http)
    {
        var session = await FindAsync(http).ConfigureAwait(false);
        var (name, cookie) = Cookie(http);
        if (session is null)
        {
            if (http.Request.Cookies.ContainsKey(name))
            {
                http.Response.Cookies.Delete(name, cookie);
            }

            return null;
        }

        var now = time.GetUtcNow();
        if (now - session.SeenAt >= s_refresh)
        {
            session = session with { SeenAt = now };
            Write(http, session);
        }

        return session;
    }

    /// <summary>Ends the browser's session: its cookie is removed.</summary>
    public void End(HttpContext http)
    {
        var (name, cookie) = Cookie(http);
        http.Response.Cookies.Delete(name, cookie);
    }

    private void Write(HttpContext http, DashboardSession session)
    {
        var (name, cookie) = Cookie(http);
        http.Response.Cookies.Append(name, _sessions.Seal(session), cookie);
    }

    // No Expires: a browser session cookie, gone when the browser closes; the lifetimes are checked here, on every call.
    // Secure whatever the request's scheme (behind a proxy that ends TLS, the app sees http), but over plain http in
    // Development, where a Secure cookie would not come back.
    private (string Name, CookieOptions Options) Cookie(HttpContext http)
    {
        var secure = !_development || http.Request.IsHttps;
        return (secure ? SecureCookieName : DevelopmentCookieName, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            Secure = secure,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
        });
    }
}
