using System.ComponentModel.DataAnnotations;

namespace Hookline.Receiving;

/// <summary>
/// How an app receiving webhooks verifies them: the secrets, the timestamp tolerance, the body size limit and the replay guard.
/// Bound from the <c>WebhookReceiving</c> configuration section (a named sender from <c>WebhookReceiving:Senders:&lt;name&gt;</c>)
/// and validated when the app starts.
/// </summary>
public sealed class WebhookReceivingOptions
{
    /// <summary>The configuration section the default sender's options are bound from.</summary>
    public const string SectionName = "WebhookReceiving";

    /// <summary>The largest request body verified, in bytes, unless <see cref="MaxBodyBytes"/> says otherwise: 1 MiB.</summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The <c>whsec_</c> secrets a signature may match: the sender's secret, or its old and new one during a rotation.
    /// </summary>
    /// <value>Empty; at least one is required, and each must be a well-formed <c>whsec_</c> secret.</value>
    [MinLength(
        1,
        ErrorMessage = "No webhook secret is configured: set WebhookReceiving:Secrets (or the sender's Secrets) to the whsec_ secret "
            + "the sender gave you.")]
    [WebhookSecrets]
    public IList<string> Secrets { get; set; } = [];

    /// <summary>How far <c>webhook-timestamp</c> may be from the clock, either way.</summary>
    /// <value><see cref="WebhookVerifier.DefaultTolerance"/>: 5 minutes, as the official libraries. Also how long the replay guard
    /// remembers a handled id at least. 1 second to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Tolerance { get; set; } = WebhookVerifier.DefaultTolerance;

    /// <summary>The largest request body read and verified, in bytes; a larger one is refused with 413 before it is read.</summary>
    /// <value><see cref="DefaultMaxBodyBytes"/>: 1 MiB, four times Hookline's own payload limit.</value>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// Whether the replay guard runs each verified <c>webhook-id</c>'s handler once within the window: a copy of an id already
    /// handled (a resend, a retry after a lost answer) is acknowledged with 204 No Content without running the handler again, a
    /// copy arriving while the handler runs is refused with 409 Conflict (the sender retries it), and an id whose handler
    /// failed is forgotten. The ids are kept in <c>HybridCache</c>, so instances that share a distributed cache share the guard.
    /// </summary>
    /// <value><see langword="true"/>, as Standard Webhooks asks receivers to deduplicate on <c>webhook-id</c>.</value>
    public bool EnableReplayGuard { get; set; } = true;
}
