namespace Hookline.Storage;

/// <summary>
/// What became of a compare-and-set write to an endpoint
/// (<see cref="IWebhookEndpointStore.UpdateEndpointAsync"/>, <see cref="IWebhookEndpointStore.DeleteEndpointAsync"/>).
/// </summary>
public enum WebhookEndpointWrite
{
    /// <summary>The endpoint was at the expected version and is now changed (or deleted).</summary>
    Written,

    /// <summary>There is no endpoint with this id.</summary>
    NotFound,

    /// <summary>The endpoint changed since it was read (its version is not the expected one): nothing was written.</summary>
    Stale,
}
