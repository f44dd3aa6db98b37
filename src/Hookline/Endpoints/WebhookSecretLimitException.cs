namespace Hookline;

/// <summary>
/// A secret rotation was refused: the endpoint already has the most signing secrets it may have at once
/// (its current one and those in their rotation overlap), and each one adds a signature to every delivery.
/// Rotate again once <see cref="AvailableAt"/> has passed, or rotate with no overlap.
/// </summary>
public sealed class WebhookSecretLimitException : InvalidOperationException
{
    /// <summary>Creates the exception for an endpoint.</summary>
    /// <param name="endpointId">The endpoint's id.</param>
    /// <param name="maxSecrets">How many secrets may sign at once.</param>
    /// <param name="availableAt">When the first overlap ends, freeing a place.</param>
    public WebhookSecretLimitException(string endpointId, int maxSecrets, DateTimeOffset availableAt)
        : base(
            $"Endpoint '{endpointId}' already has {maxSecrets} signing secrets, the most it may have at once; "
            + $"the oldest overlap ends at {availableAt:O}, after which it can be rotated again.")
    {
        EndpointId = endpointId;
        MaxSecrets = maxSecrets;
        AvailableAt = availableAt;
    }

    /// <summary>The endpoint's id.</summary>
    public string EndpointId { get; }

    /// <summary>How many secrets may sign at once.</summary>
    public int MaxSecrets { get; }

    /// <summary>When the oldest rotation overlap ends, so the endpoint can be rotated again.</summary>
    public DateTimeOffset AvailableAt { get; }
}
