using System.Net;

namespace Hookline;

/// <summary>A delivery's host is, or resolves only to, addresses the destination policy refuses.</summary>
internal sealed class DestinationForbiddenException(string host, IEnumerable<IPAddress> addresses)
    : Exception($"'{host}' resolves to {string.Join(", ", addresses.Select(a => $"{a} ({AddressClassifier.Classify(a)})"))}, which webhooks may not reach. Add the network to WebhookOptions.Delivery.AllowedNetworks to allow it.");
