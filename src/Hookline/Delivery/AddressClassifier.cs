using System.Net;
using System.Net.Sockets;

namespace Hookline;

/// <summary>What kind of network an IP address belongs to, for the SSRF guard.</summary>
internal enum AddressKind
{
    /// <summary>A public unicast address: webhooks may go there.</summary>
    Public,

    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>10/8, 172.16/12, 192.168/16, fc00::/7.</summary>
    Private,

    /// <summary>169.254/16 (cloud metadata lives here), fe80::/10.</summary>
    LinkLocal,

    /// <summary>100.64/10, carrier-grade NAT.</summary>
    CarrierGradeNat,

    /// <summary>224/4, ff00::/8.</summary>
    Multicast,

    /// <summary>0.0.0.0/8, ::.</summary>
    Unspecified,

    /// <summary>
    /// Documentation, benchmarking, protocol and future-use ranges, broadcast, and IPv6 forms that are not public unicast.
    /// </summary>
    Reserved,
}

/// <summary>
/// Classifies addresses, a pure function. IPv4 embedded in IPv6 (mapped <c>::ffff:a.b.c.d</c>,
/// NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) is judged by the IPv4 address inside, so
/// <c>::ffff:127.0.0.1</c> is loopback.
/// </summary>
internal static class AddressClassifier
{
    private static readonly (IPNetwork Network, AddressKind Kind)[] s_ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressKind.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressKind.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressKind.CarrierGradeNat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressKind.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressKind.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressKind.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.88.99.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressKind.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressKind.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), AddressKind.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressKind.Reserved),
        (IPNetwork.Parse("::/128"), AddressKind.Unspecified),
        (IPNetwork.Parse("::1/128"), AddressKind.Loopback),
        (IPNetwork.Parse("fc00::/7"), AddressKind.Private),
        (IPNetwork.Parse("fe80::/10"), AddressKind.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressKind.Reserved),
        (IPNetwork.Parse("ff00::/8"), AddressKind.Multicast),
        (IPNetwork.Parse("100::/64"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressKind.Reserved),
        (IPNetwork.Parse("2001::/23"), AddressKind.Reserved),
        (IPNetwork.Parse("::/96"), AddressKind.Reserved),
    ];

    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork s_6to4 = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork s_globalUnicast = IPNetwork.Parse("2000::/3");

    public static AddressKind Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (EmbeddedIPv4(address) is { } inner)
        {
            return Classify(inner);
        }

        foreach (var (network, kind) in s_ranges)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.Equals(IPAddress.Broadcast) ? AddressKind.Reserved : AddressKind.Public;
        }

        // Only 2000::/3 is assigned for global unicast; everything else in IPv6 is not a webhook destination.
        return s_globalUnicast.Contains(address) ? AddressKind.Public : AddressKind.Reserved;
    }

    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (s_nat64.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return s_6to4.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
