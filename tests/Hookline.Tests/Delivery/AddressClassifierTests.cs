using System.Net;

namespace Hookline.Tests.Delivery;

/// <summary>Classification only: no socket is opened to any of these addresses.</summary>
public class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", nameof(AddressKind.Loopback))]
    [InlineData("127.255.255.254", nameof(AddressKind.Loopback))]
    [InlineData("::1", nameof(AddressKind.Loopback))]
    [InlineData("::ffff:127.0.0.1", nameof(AddressKind.Loopback))]
    [InlineData("64:ff9b::7f00:1", nameof(AddressKind.Loopback))]
    [InlineData("2002:7f00:1::", nameof(AddressKind.Loopback))]
    [InlineData("10.0.0.1", nameof(AddressKind.Private))]
    [InlineData("172.16.0.1", nameof(AddressKind.Private))]
    [InlineData("172.31.255.255", nameof(AddressKind.Private))]
    [InlineData("192.168.1.1", nameof(AddressKind.Private))]
    [InlineData("::ffff:10.1.2.3", nameof(AddressKind.Private))]
    [InlineData("fd12:3456::1", nameof(AddressKind.Private))]
    [InlineData("169.254.169.254", nameof(AddressKind.LinkLocal))]
    [InlineData("::ffff:169.254.169.254", nameof(AddressKind.LinkLocal))]
    [InlineData("fe80::1", nameof(AddressKind.LinkLocal))]
    [InlineData("100.64.0.1", nameof(AddressKind.CarrierGradeNat))]
    [InlineData("100.127.255.255", nameof(AddressKind.CarrierGradeNat))]
    [InlineData("224.0.0.1", nameof(AddressKind.Multicast))]
    [InlineData("ff02::1", nameof(AddressKind.Multicast))]
    [InlineData("0.0.0.0", nameof(AddressKind.Unspecified))]
    [InlineData("::", nameof(AddressKind.Unspecified))]
    [InlineData("255.255.255.255", nameof(AddressKind.Reserved))]
    [InlineData("240.0.0.1", nameof(AddressKind.Reserved))]
    [InlineData("192.0.2.10", nameof(AddressKind.Reserved))]
    [InlineData("198.18.0.1", nameof(AddressKind.Reserved))]
    [InlineData("2001:db8::1", nameof(AddressKind.Reserved))]
    [InlineData("fec0::1", nameof(AddressKind.Reserved))]
    [InlineData("8.8.8.8", nameof(AddressKind.Public))]
    [InlineData("172.32.0.1", nameof(AddressKind.Public))]
    [InlineData("100.128.0.1", nameof(AddressKind.Public))]
    [InlineData("::ffff:8.8.8.8", nameof(AddressKind.Public))]
    [InlineData("2606:4700::1111", nameof(AddressKind.Public))]
    public void Classify_Address_GivesItsKind(string address, string expected) =>
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)).ToString());
}
