namespace Hookline;

/// <summary>What became of a resend (<see cref="Storage.IWebhookDeliveryQueue.ResendAsync"/>).</summary>
public enum WebhookResendOutcome
{
    /// <summary>The delivery is pending and due now, with a fresh schedule; created if the message had none to the endpoint.</summary>
    Resent,

    /// <summary>The message or the endpoint does not exist, or the endpoint is disabled: nothing was changed.</summary>
    NotFound,

    /// <summary>
    /// The delivery is being attempted right now (leased, and its lease has not run out): nothing was changed, so it is never sent
    /// twice at once. Resend it once the attempt has ended.
    /// </summary>
    InFlight,
}
