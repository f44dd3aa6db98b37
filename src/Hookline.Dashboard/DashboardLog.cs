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
}
