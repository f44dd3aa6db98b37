namespace Hookline.Receiving;

/// <summary>What the replay guard found for a verified <c>webhook-id</c>.</summary>
internal enum WebhookReplayClaim
{
    /// <summary>Not seen within the window: the id is now this request's, and its handler runs.</summary>
    Claimed,

    /// <summary>Another copy's handler is running: this copy must not run it too, nor be acknowledged before it succeeds.</summary>
    Running,

    /// <summary>A copy was handled within the window: acknowledge it without running the handler again.</summary>
    Handled,
}
