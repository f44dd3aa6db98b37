namespace Hookline;

/// <summary>
/// A delivery's URL is refused by the destination policy: its scheme, or the addresses its host is or resolves to. Its message
/// is for the endpoint's tenant, who sees it in the attempt log; what the operator needs goes to the log.
/// </summary>
internal sealed class DestinationForbiddenException : Exception
{
    /// <summary>
    /// What a tenant is told of a refused address, at registration and when connecting: the same whether the host resolves to
    /// refused addresses or to none, so that tenants cannot tell which internal names exist.
    /// </summary>
    public const string AddressNotAllowed =
        "The destination's address is not allowed: webhooks are sent only to public addresses. "
        + "Use a public IP address or a host name that resolves to one.";

    public DestinationForbiddenException()
        : base(AddressNotAllowed)
    {
    }

    public DestinationForbiddenException(Uri url)
        : base($"'{url.GetLeftPart(UriPartial.Authority)}' is not https: webhooks are sent over https only. Use an https URL.")
    {
    }
}
