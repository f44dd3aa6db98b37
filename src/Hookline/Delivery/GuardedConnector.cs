using System.Net.Sockets;

namespace Hookline;

/// <summary>
/// Connects only to allowed addresses, checked on the addresses actually resolved at connect time,
/// so a name that resolves somewhere else later (DNS rebinding) gains nothing. A connection to the proxy the operator
/// configured is let through wherever the proxy is; the destination behind it is checked by <see cref="DestinationCheckHandler"/>.
/// </summary>
internal static class GuardedConnector
{
    /// <summary>The endpoint a request is sent to, so that a refusal is logged with it.</summary>
    public static readonly HttpRequestOptionsKey<string> EndpointId = new("Hookline.EndpointId");

    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Create(
        DestinationPolicy policy, ProxyRoutes? proxies) =>
        async (context, cancellationToken) =>
        {
            var endpoint = context.DnsEndPoint;
            var toProxy = proxies?.IsProxy(endpoint) == true;
            var allowed = Array.Empty<System.Net.IPAddress>();
            if (!toProxy)
            {
                context.InitialRequestMessage.Options.TryGetValue(EndpointId, out var endpointId);
                allowed = await policy.AllowedAddressesAsync(endpoint.Host, endpointId, cancellationToken).ConfigureAwait(false);
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (toProxy)
                {
                    await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
                }

                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
