using System.Collections.Concurrent;
using System.Net;

namespace Hookline;

/// <summary>
/// The proxy the operator gave the delivery handler, and the proxy endpoints requests have been routed to: the guard lets
/// connections to those through wherever they are (the operator chose them), and checks every other connection.
/// </summary>
internal sealed class ProxyRoutes(IWebProxy proxy)
{
    private readonly ConcurrentDictionary<(string Host, int Port), byte> _endpoints = new();

    /// <summary>Remembers the proxy <paramref name="url"/> goes through, as the handler decides it, for the connect-time guard.</summary>
    public void Route(Uri url)
    {
        if (!proxy.IsBypassed(url) && proxy.GetProxy(url) is { } proxyUrl)
        {
            // The handler connects to the proxy's IdnHost and port, as a DnsEndPoint: what the guard will be asked to connect to.
            _endpoints.TryAdd((proxyUrl.IdnHost.ToUpperInvariant(), proxyUrl.Port), 0);
        }
    }

    /// <summary>Whether <paramref name="endpoint"/> is a proxy a request was routed to.</summary>
    public bool IsProxy(DnsEndPoint endpoint) => _endpoints.ContainsKey((endpoint.Host.ToUpperInvariant(), endpoint.Port));
}
