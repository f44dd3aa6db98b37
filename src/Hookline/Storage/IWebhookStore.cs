namespace Hookline.Storage;

/// <summary>
/// A whole webhook store, as a store package provides it to <c>UseStore</c>: its roles
/// (<see cref="IWebhookEndpointStore"/>, <see cref="IWebhookMessageAppender"/>, <see cref="IWebhookDeliveryQueue"/>,
/// <see cref="IWebhookLogReader"/>, <see cref="IWebhookFeedReader"/>, <see cref="IWebhookDashboardStateStore"/>) over one
/// database, and the schema they share. Hookline registers the one
/// instance under each role, and each part of Hookline depends only on the role it uses. Every store passes the
/// same conformance suite, role by role. Times are given by the caller (from its <see cref="TimeProvider"/>),
/// never read from the store's clock, and kept in UTC to the millisecond: what is read back, and what is compared with a
/// time given later, is the given time with its sub-millisecond part dropped.
/// </summary>
public interface IWebhookStore
    : IWebhookEndpointStore,
      IWebhookMessageAppender,
      IWebhookDeliveryQueue,
      IWebhookLogReader,
      IWebhookFeedReader,
      IWebhookDashboardStateStore
{
    /// <summary>Creates or migrates the schema. Called once at startup.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
