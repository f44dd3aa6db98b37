namespace Hookline.Storage;

/// <summary>
/// Wakes this instance's dispatcher: a store whose database tells it of messages appended elsewhere (another
/// instance, or the app's own transaction committing) calls <see cref="Wake"/>, and the dispatcher fans out
/// and leases at once instead of at its next poll (<see cref="WebhookDeliveryOptions.PollInterval"/>).
/// <c>UseStore</c> registers it as a service.
/// </summary>
/// <remarks>
/// Wake-ups coalesce and cost nothing when there is no work, so calling it too often is harmless; not calling it
/// only delays delivery until the next poll. It does nothing when this instance does not deliver.
/// </remarks>
public interface IWebhookDispatchWaker
{
    /// <summary>Asks the dispatcher to look for work now. Never blocks; safe from any thread.</summary>
    void Wake();
}
