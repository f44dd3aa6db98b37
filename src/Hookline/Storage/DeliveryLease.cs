namespace Hookline.Storage;

/// <summary>
/// Asks <see cref="IWebhookStore.AppendAsync"/> to lease some of the deliveries it creates to the
/// publishing instance's dispatcher, which has room to send them now: they go out without being
/// leased from the store again.
/// </summary>
/// <param name="Owner">The dispatcher they are leased to.</param>
/// <param name="Until">When the lease ends: if the owner has not completed them by then, they are due again.</param>
/// <param name="Max">At most this many, over all the messages appended.</param>
public sealed record DeliveryLease(string Owner, DateTimeOffset Until, int Max);
