using System.Net.Sockets;

namespace Hookline;

/// <summary>
/// Connects only to allowed addresses, checked on the addresses actually resolved at connect time,
/// so a name that resolves somewhere else later (DNS rebinding) gains nothing.
/// </summary>
internal static class GuardedConnector
{
    /// <summary>The endpoint a request is sent to, so that a refusal is logged with it.</summary>
    public static readonly HttpRequestOptionsKey<string> EndpointId = new("Hookline.EndpointId");

    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Create(DestinationPolicy policy) =>
        async (context, cancellationToken) =>
        {
            if (context.InitialRequestMessage.RequestUri is { } url && !policy.IsAllowedScheme(url))
            {
                throw new DestinationForbiddenException(url);
            }

            context.InitialRequestMessage.Options.TryGetValue(EndpointId, out var endpointId);
            var allowed = await policy.AllowedAddressesAsync(context.DnsEndPoint.Host, endpointId, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
