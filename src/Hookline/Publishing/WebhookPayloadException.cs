namespace Hookline;

/// <summary>
/// A payload that cannot be published: too large, not the webhook's declared type, or not serializable.
/// Nothing was stored. When the payload comes from a request, map this to a 4xx answer (413 for
/// <see cref="WebhookPayloadProblem.TooLarge"/>, 422 otherwise); an undeclared webhook or an ambiguous
/// method is a programming error instead, and stays a plain <see cref="ArgumentException"/>.
/// </summary>
/// <remarks>An <see cref="ArgumentException"/> for <c>payload</c>, so code that caught those before still does.</remarks>
public sealed class WebhookPayloadException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="eventType">The event type being published.</param>
    /// <param name="problem">Why the payload cannot be published.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="payloadBytes">For <see cref="WebhookPayloadProblem.TooLarge"/>, the serialized size.</param>
    /// <param name="maxPayloadBytes">For <see cref="WebhookPayloadProblem.TooLarge"/>, the limit.</param>
    /// <param name="innerException">For <see cref="WebhookPayloadProblem.NotSerializable"/>, the serializer's error.</param>
    public WebhookPayloadException(
        string eventType,
        WebhookPayloadProblem problem,
        string message,
        int? payloadBytes = null,
        int? maxPayloadBytes = null,
        Exception? innerException = null)
        : base(message, "payload", innerException)
    {
        EventType = eventType;
        Problem = problem;
        PayloadBytes = payloadBytes;
        MaxPayloadBytes = maxPayloadBytes;
    }

    /// <summary>The event type being published: the declared webhook's name.</summary>
    public string EventType { get; }

    /// <summary>Why the payload cannot be published.</summary>
    public WebhookPayloadProblem Problem { get; }

    /// <summary>
    /// The payload's serialized size in bytes, for <see cref="WebhookPayloadProblem.TooLarge"/>; otherwise <see langword="null"/>.
    /// </summary>
    public int? PayloadBytes { get; }

    /// <summary>
    /// The limit it is over (<see cref="WebhookOptions.MaxPayloadBytes"/>), for <see cref="WebhookPayloadProblem.TooLarge"/>;
    /// otherwise <see langword="null"/>.
    /// </summary>
    public int? MaxPayloadBytes { get; }
}
