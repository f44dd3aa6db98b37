namespace Hookline;

/// <summary>Why a payload could not be published: see <see cref="WebhookPayloadException.Problem"/>.</summary>
public enum WebhookPayloadProblem
{
    /// <summary>The payload serialized to more bytes than <see cref="WebhookOptions.MaxPayloadBytes"/> allows.</summary>
    TooLarge,

    /// <summary>The payload is <see langword="null"/> or not of the webhook's declared payload type.</summary>
    WrongType,

    /// <summary>System.Text.Json could not serialize the value (an object cycle, too deep, a member type it does not support).</summary>
    NotSerializable,
}
