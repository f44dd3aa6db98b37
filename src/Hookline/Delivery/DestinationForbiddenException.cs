using System.Net;

namespace Hookline;

/// <summary>A delivery's URL is refused by the destination policy: its scheme, or the addresses its host is or resolves to.</summary>
internal sealed class DestinationForbiddenException : Exception
{
    public DestinationForbiddenException(string host, IEnumerable<IPAddress> addresses)
        : base(addresses.Any()
            ? $"'{host}' resolves to {string.Join(", ", addresses.Select(a => $"{a} ({AddressClassifier.Classify(a)})"))}, which webhooks may not reach. Add the network to WebhookOptions.Delivery.AllowedNetworks to allow it."
            : $"'{host}' resolves to no address.")
    {
    }

    public DestinationForbiddenException(Uri url)
        : base($"'{url.GetLeftPart(UriPartial.Authority)}' is not https, and WebhookOptions.Delivery.RequireHttps is on.")
    {
    }
}
