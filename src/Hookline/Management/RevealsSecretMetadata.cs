namespace Hookline.Management;

/// <summary>
/// Marks a route that answers with a signing secret: a read-only caller may not call it, since whoever holds a secret can sign
/// deliveries of their own (<see cref="ManagementRequest"/> decides).
/// </summary>
internal sealed class RevealsSecretMetadata
{
    public static RevealsSecretMetadata Instance { get; } = new();

    private RevealsSecretMetadata()
    {
    }
}
