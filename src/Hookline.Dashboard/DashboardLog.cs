using Hookline.Dashboard.Links;
using Microsoft.Extensions.Logging;

namespace Hookline.Dashboard;

/// <summary>The dashboard's log messages: links by id, never their tokens or tenants' data.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Dashboard link {LinkId} made (read-only: {ReadOnly}).")]
    public static partial void LinkCreated(ILogger logger, string linkId, bool readOnly);

    [LoggerMessage(
        EventId = 4002, Level = LogLevel.Information, Message = "Dashboard link {LinkId} opened a session (read-only: {ReadOnly}).")]
    public static partial void LinkOpened(ILogger logger, string linkId, bool readOnly);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Dashboard link {LinkId} refused: {Outcome}.")]
    public static partial void LinkRefused(ILogger logger, string linkId, DashboardLinkOutcome outcome);

    [LoggerMessage(
        EventId = 4004,
        Level = LogLevel.Information,
        Message = "A tenant's dashboard sessions and links made until {Before} were revoked.")]
    public static partial void Revoked(ILogger logger, DateTimeOffset before);

    [LoggerMessage(
        EventId = 4005,
        Level = LogLevel.Warning,
        Message = "A dashboard link was made as a path, not a URL: set Webhooks:Dashboard:PublicBaseUrl "
                  + "(WebhookDashboardOptions.PublicBaseUrl) to the app's public URL, such as https://api.example.com. Outside "
                  + "Development, links are never made from the request's Host header, which the caller chooses.")]
    public static partial void NoPublicBaseUrl(ILogger logger);

    [LoggerMessage(
        EventId = 4006, Level = LogLevel.Warning, Message = "A dashboard link was posted from another site ({Site}), and refused.")]
    public static partial void LinkCrossSite(ILogger logger, string site);
}
