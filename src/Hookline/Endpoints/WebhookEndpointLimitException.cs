namespace Hookline;

/// <summary>
/// An endpoint was not registered: its tenant already has the most endpoints a tenant may have
/// (<see cref="WebhookOptions.MaxEndpointsPerTenant"/>). Nothing was stored; delete one of the tenant's endpoints first.
/// </summary>
public sealed class WebhookEndpointLimitException : InvalidOperationException
{
    /// <summary>Creates the exception for a tenant.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="maxEndpoints">How many endpoints a tenant may have.</param>
    public WebhookEndpointLimitException(string tenant, int maxEndpoints)
        : base($"Tenant '{tenant}' already has {maxEndpoints} endpoints, the most a tenant may have; delete one to register another.")
    {
        Tenant = tenant;
        MaxEndpoints = maxEndpoints;
    }

    /// <summary>The tenant.</summary>
    public string Tenant { get; }

    /// <summary>How many endpoints a tenant may have.</summary>
    public int MaxEndpoints { get; }
}
