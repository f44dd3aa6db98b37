namespace Hookline;

/// <summary>
/// A change to an endpoint was refused because the endpoint changed meanwhile: it is no longer at the
/// version the caller gave (<c>ifVersion</c>), or, without one, other changes kept overtaking this one.
/// Nothing was changed; read the endpoint again and decide.
/// </summary>
public sealed class WebhookEndpointConflictException : Exception
{
    /// <summary>Creates the exception for an endpoint.</summary>
    /// <param name="endpointId">The endpoint's id.</param>
    /// <param name="expectedVersion">The version the caller expected; <see langword="null"/> if it gave none.</param>
    /// <param name="message">What happened.</param>
    public WebhookEndpointConflictException(string endpointId, long? expectedVersion, string message)
        : base(message)
    {
        EndpointId = endpointId;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>The endpoint's id.</summary>
    public string EndpointId { get; }

    /// <summary>
    /// The version the caller expected (its <c>ifVersion</c>), which the endpoint no longer has;
    /// <see langword="null"/> when the caller gave none and other changes kept overtaking this one.
    /// </summary>
    public long? ExpectedVersion { get; }
}
