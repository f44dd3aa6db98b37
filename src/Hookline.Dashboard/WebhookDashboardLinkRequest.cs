namespace Hookline.Dashboard;

/// <summary>What kind of dashboard link to make.</summary>
public sealed record WebhookDashboardLinkRequest
{
    /// <summary>Whether the session it opens may only read (every change refused); leave out for false.</summary>
    public bool? ReadOnly { get; init; }
}
