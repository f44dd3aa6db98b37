using System.Net;
using System.Net.Sockets;

namespace Hookline;

/// <summary>
/// Connects only to allowed addresses, checked on the addresses actually resolved at connect time,
/// so a name that resolves somewhere else later (DNS rebinding) gains nothing.
/// </summary>
internal static class GuardedConnector
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Create(DestinationPolicy policy) =>
        async (context, cancellationToken) =>
        {
            if (context.InitialRequestMessage.RequestUri is { } url && !policy.IsAllowedScheme(url))
            {
                throw new DestinationForbiddenException(url);
            }

            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            var allowed = addresses.Where(policy.IsAllowed).ToArray();
            if (allowed.Length == 0)
            {
                throw new DestinationForbiddenException(host, addresses);
            }

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
