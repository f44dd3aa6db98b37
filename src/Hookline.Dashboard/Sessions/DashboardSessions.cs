using Hookline.Dashboard.Links;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard.Sessions;

/// <summary>
/// Dashboard sessions in a cookie: scoped to the dashboard's path (the app's other pages never receive it), HttpOnly, Secure
/// over https, SameSite=Strict. Strict holds although links arrive from other sites: the cookie is set by the link's answer,
/// and only the page's own same-origin API calls need to send it, never the cross-site navigation to the page itself.
/// Not an authentication scheme: adding one would change an app's default scheme when it has a single other one.
/// </summary>
internal sealed class DashboardSessions(IDataProtectionProvider protection, IOptions<WebhookDashboardOptions> options, TimeProvider time)
{
    public const string CookieName = "hookline-dashboard";

    // A session's last use is written back at most this often, not on every call.
    private static readonly TimeSpan s_refresh = TimeSpan.FromMinutes(1);

    private readonly SealedJson<DashboardSession> _sessions =
        new(protection.CreateProtector("Hookline.Dashboard.Session.v1"), DashboardJsonContext.Default.DashboardSession);

    public void Start(HttpContext http, string cookiePath, DashboardLinkToken link)
    {
        var now = time.GetUtcNow();
        Write(http, cookiePath, new DashboardSession(link.Tenant, link.ReadOnly, now, now));
    }

    /// <summary>The request's live session, kept alive; a session that ended (or an unreadable cookie) is removed.</summary>
    public DashboardSession? Resume(HttpContext http, string cookiePath)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var settings = options.Value;
        var session = _sessions.Open(cookie);
        if (session is null || now - session.SeenAt > settings.SessionIdleTimeout || now - session.OpenedAt > settings.SessionLifetime)
        {
            http.Response.Cookies.Delete(CookieName, Cookie(http, cookiePath));
            return null;
        }

        if (now - session.SeenAt >= s_refresh)
        {
            session = session with { SeenAt = now };
            Write(http, cookiePath, session);
        }

        return session;
    }

    private void Write(HttpContext http, string cookiePath, DashboardSession session)
    {
        http.Response.Cookies.Append(CookieName, _sessions.Seal(session), Cookie(http, cookiePath));
    }

    // No Expires: a browser session cookie, gone when the browser closes; the lifetimes are checked here, on every call.
    private static CookieOptions Cookie(HttpContext http, string path) => new()
    {
        Path = path,
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
    };
}
