using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Where webhooks may go: public addresses, plus the networks <see cref="WebhookDeliveryOptions.AllowedNetworks"/>
/// opens, over https only when <see cref="RequireHttps"/>. Checked when an endpoint is registered and
/// again at connect time, on the address actually connected to (so DNS rebinding gains nothing).
/// A refused address is logged with what the host resolves to and the option that opens it; the tenant is told only
/// that the address is not allowed.
/// </summary>
internal sealed class DestinationPolicy
{
    private readonly IPNetwork[] _allowed;
    private readonly ILogger _logger;

    public DestinationPolicy(
        IOptions<WebhookOptions> options, IHostEnvironment? environment = null, ILogger<DestinationPolicy>? logger = null)
    {
        var delivery = options.Value.Delivery;
        _allowed = [.. delivery.AllowedNetworks.Select(n => IPNetwork.Parse(n))];
        RequireHttps = delivery.RequireHttps ?? environment?.IsDevelopment() != true;
        _logger = logger ?? NullLogger<DestinationPolicy>.Instance;
    }

    public bool RequireHttps { get; }

    public bool IsAllowed(IPAddress address) =>
        AddressClassifier.Classify(address) == AddressKind.Public
        || _allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));

    public bool IsAllowedScheme(Uri url) => url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && !RequireHttps);

    /// <summary>
    /// Refuses, at registration, a URL webhooks may not be sent to: its scheme, or any address its host is or resolves to.
    /// </summary>
    /// <param name="url">The endpoint's URL.</param>
    /// <param name="tenant">The endpoint's tenant, when known, for the log.</param>
    /// <param name="endpointId">The endpoint's id, when it has one, for the log.</param>
    /// <param name="parameterName">The setting the URL came from.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <exception cref="ArgumentException">Naming <paramref name="parameterName"/>, with what the tenant can change.</exception>
    public async Task EnsureAllowedAsync(
        Uri url, string? tenant, string? endpointId, string parameterName, CancellationToken cancellationToken)
    {
        if (!IsAllowedScheme(url))
        {
            // A tenant cannot change the option (WebhookOptions.Delivery.RequireHttps, on by default outside Development): not named.
            throw new ArgumentException("Endpoint URLs must use https.", parameterName);
        }

        var host = url.DnsSafeHost;
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            addresses = []; // The resolver failing (it may not next time): refused alike, and the tenant may try again.
        }

        if (addresses.Length == 0 || addresses.Any(a => !IsAllowed(a)))
        {
            _logger.DestinationRefused(host, tenant, endpointId, Describe(addresses));
            throw new ArgumentException(DestinationForbiddenException.AddressNotAllowed, parameterName);
        }
    }

    /// <summary>The allowed addresses of <paramref name="host"/>, to connect to.</summary>
    /// <param name="host">The host name or address literal of the URL being sent to.</param>
    /// <param name="endpointId">The endpoint being sent to, for the log.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <exception cref="DestinationForbiddenException">None is allowed, or the name has no address.</exception>
    /// <exception cref="SocketException">The resolver failed (it may not next time).</exception>
    public async Task<IPAddress[]> AllowedAddressesAsync(string host, string? endpointId, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            _logger.ConnectRefused(host, endpointId, Describe(addresses));
            throw new DestinationForbiddenException();
        }

        return allowed;
    }

    /// <summary>
    /// Refuses, before a request leaves through a proxy, a host any of whose addresses is refused: the proxy resolves the name
    /// again and may connect to any of them.
    /// </summary>
    /// <param name="host">The host name or address literal of the URL being sent to.</param>
    /// <param name="endpointId">The endpoint being sent to, for the log.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <exception cref="DestinationForbiddenException">An address is refused, or the name has no address.</exception>
    /// <exception cref="SocketException">The resolver failed (it may not next time).</exception>
    public async Task EnsureAllAllowedAsync(string host, string? endpointId, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0 || addresses.Any(a => !IsAllowed(a)))
        {
            _logger.ConnectRefused(host, endpointId, Describe(addresses));
            throw new DestinationForbiddenException();
        }
    }

    /// <summary>What <paramref name="host"/> is or resolves to: none when the name does not exist or has no address.</summary>
    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            // Refused like a name that resolves to a refused address: told apart, the two would let a tenant probe which
            // internal names exist (a name of theirs could point at one, through a CNAME, once registered).
            return [];
        }
    }

    private static string Describe(IPAddress[] addresses) => addresses.Length == 0
        ? "no address"
        : string.Join(", ", addresses.Select(a => $"{a} ({AddressClassifier.Classify(a)})"));
}
