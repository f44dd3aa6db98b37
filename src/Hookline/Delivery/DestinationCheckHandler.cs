namespace Hookline;

/// <summary>
/// The innermost handler Hookline adds to the delivery client: refuses a URL whose scheme the policy refuses and, when the
/// client has a proxy (which the connect-time guard sees instead of the destination), a destination host any of whose
/// addresses the policy refuses, before anything is sent.
/// </summary>
internal sealed class DestinationCheckHandler(DestinationPolicy policy, ProxyRoutes? proxies) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("A webhook request needs an absolute URL.");
        if (!policy.IsAllowedScheme(url))
        {
            throw new DestinationForbiddenException(url);
        }

        // Through a proxy the connect-time guard sees the proxy, not the destination. A destination the proxy bypasses is checked
        // here too: its connection is checked again at connect time, unless it is the proxy's own host and port.
        if (proxies is not null)
        {
            request.Options.TryGetValue(GuardedConnector.EndpointId, out var endpointId);
            await policy.EnsureAllAllowedAsync(url.IdnHost, endpointId, cancellationToken).ConfigureAwait(false);
            proxies.Route(url);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // Deliveries are sent asynchronously; a synchronous send would skip the checks above.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The webhook delivery client sends asynchronously only.");
}
