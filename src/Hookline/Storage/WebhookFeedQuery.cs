namespace Hookline.Storage;

/// <summary>Which part of a polling endpoint's feed to read (<see cref="IWebhookFeedReader.ReadFeedAsync"/>).</summary>
public sealed record WebhookFeedQuery
{
    /// <summary>
    /// The endpoint whose feed to read: its <see cref="WebhookEndpoint.Id"/>, <see cref="WebhookEndpoint.Tenant"/>,
    /// <see cref="WebhookEndpoint.EventTypes"/> and <see cref="WebhookEndpoint.CreatedAt"/> decide which messages are in it.
    /// </summary>
    public required WebhookEndpoint Endpoint { get; init; }

    /// <summary>
    /// Only messages after this position (a <see cref="WebhookFeedResult.Position"/> or <see cref="WebhookFeedEntry.Position"/>
    /// this store gave
    /// out); <see langword="null"/> to read from the start. A position older than every message kept reads from the oldest kept.
    /// </summary>
    public string? After { get; init; }

    /// <summary>At most this many messages.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below zero.</exception>
    public int Limit { get; init => field = QueryLimit.NotNegative(value); } = 50;

    /// <summary>
    /// Look at most at this many messages of the endpoint's tenant (and of every tenant), matching or not: what one read costs
    /// however few of them match.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below one.</exception>
    public int Scan
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 1_000;
}
