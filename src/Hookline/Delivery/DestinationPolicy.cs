using System.Net;

namespace Hookline;

/// <summary>Which addresses deliveries may connect to: public ones, plus the networks the app allows.</summary>
internal sealed class DestinationPolicy(IEnumerable<IPNetwork> allowedNetworks)
{
    private readonly IPNetwork[] _allowed = [.. allowedNetworks];

    public bool IsAllowed(IPAddress address) =>
        AddressClassifier.Classify(address) == AddressKind.Public || _allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
}
