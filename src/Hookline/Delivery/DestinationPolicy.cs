using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Where webhooks may go: public addresses, plus the networks <see cref="WebhookDeliveryOptions.AllowedNetworks"/>
/// opens, over https only when <see cref="RequireHttps"/>. Checked when an endpoint is registered and
/// again at connect time, on the address actually connected to (so DNS rebinding gains nothing).
/// </summary>
internal sealed class DestinationPolicy
{
    private readonly IPNetwork[] _allowed;

    public DestinationPolicy(IOptions<WebhookOptions> options, IHostEnvironment? environment = null)
    {
        var delivery = options.Value.Delivery;
        _allowed = [.. delivery.AllowedNetworks.Select(n => IPNetwork.Parse(n))];
        RequireHttps = delivery.RequireHttps ?? environment?.IsDevelopment() != true;
    }

    public bool RequireHttps { get; }

    public bool IsAllowed(IPAddress address) =>
        AddressClassifier.Classify(address) == AddressKind.Public || _allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));

    public bool IsAllowedScheme(Uri url) => url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && !RequireHttps);

    /// <summary>Refuses, at registration, a URL webhooks may not be sent to: its scheme, or any address its host is or resolves to.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="parameterName"/>, with the reason.</exception>
    public async Task EnsureAllowedAsync(Uri url, string parameterName, CancellationToken cancellationToken)
    {
        if (!IsAllowedScheme(url))
        {
            throw new ArgumentException("Endpoint URLs must use https (WebhookOptions.Delivery.RequireHttps, on by default outside Development).", parameterName);
        }

        var host = url.DnsSafeHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                throw new ArgumentException($"The host '{host}' does not resolve to an address.", parameterName);
            }
        }

        if (addresses.Length == 0 || addresses.Any(a => !IsAllowed(a)))
        {
            throw new ArgumentException(new DestinationForbiddenException(host, addresses).Message, parameterName);
        }
    }
}
