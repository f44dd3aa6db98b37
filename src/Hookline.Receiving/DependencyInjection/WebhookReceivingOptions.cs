using System.ComponentModel.DataAnnotations;

namespace Hookline.Receiving;

/// <summary>
/// How an app receiving webhooks verifies them: the secrets and public keys, the timestamp tolerance, the body size limit and the
/// replay guard. Bound from the <c>WebhookReceiving</c> configuration section (a named sender from
/// <c>WebhookReceiving:Senders:&lt;name&gt;</c>) and validated when the app starts.
/// </summary>
public sealed class WebhookReceivingOptions : IValidatableObject
{
    /// <summary>The configuration section the default sender's options are bound from.</summary>
    public const string SectionName = "WebhookReceiving";

    /// <summary>The largest request body verified, in bytes, unless <see cref="MaxBodyBytes"/> says otherwise: 1 MiB.</summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The name of the <see cref="System.Net.Http.HttpClient"/> (<c>IHttpClientFactory</c>) that fetches <see cref="PublicKeysUrl"/>:
    /// configure it with <c>AddHttpClient(name)</c> to add a proxy or a handler.
    /// </summary>
    public const string PublicKeysHttpClientName = "Hookline.Receiving.PublicKeys";

    /// <summary>
    /// The <c>whsec_</c> secrets a <c>v1</c> signature may match: the sender's secret, or its old and new one during a rotation.
    /// </summary>
    /// <value>Empty. Each must be a well-formed <c>whsec_</c> secret; at least one secret, public key or
    /// <see cref="PublicKeysUrl"/> is required.</value>
    [WebhookKeys(WebhookKeysAttribute.Kind.Secret)]
    public IList<string> Secrets { get; set; } = [];

    /// <summary>
    /// The <c>whpk_</c> public keys a <c>v1a</c> (Ed25519) signature may be verified with: the sender's public key, or its old and
    /// new one during a rotation. Unlike a secret, a public key cannot sign, so a copy of it is no risk.
    /// </summary>
    /// <value>Empty. Each must be a well-formed <c>whpk_</c> key; at least one secret, public key or <see cref="PublicKeysUrl"/>
    /// is required.</value>
    [WebhookKeys(WebhookKeysAttribute.Kind.PublicKey)]
    public IList<string> PublicKeys { get; set; } = [];

    /// <summary>
    /// Where the sender publishes its public keys as a JSON Web Key Set (RFC 7517; Ed25519 keys, RFC 8037), verifying
    /// <c>v1a</c> signatures with them besides <see cref="PublicKeys"/>. The set is fetched when first needed, again when older
    /// than <see cref="PublicKeysRefreshInterval"/>, and again when a <c>v1a</c> signature matches none of its keys (a new key),
    /// at most every 30 seconds; when a fetch fails, the keys fetched before stay in use.
    /// </summary>
    /// <value><see langword="null"/>. An absolute <c>https</c> URL (<c>http</c> only to the loopback address, for development).</value>
    public Uri? PublicKeysUrl { get; set; }

    /// <summary>How long the key set fetched from <see cref="PublicKeysUrl"/> is used before it is fetched again.</summary>
    /// <value>1 hour. 1 minute to 1 day.</value>
    [OptionRange(typeof(TimeSpan), "00:01:00", "1.00:00:00",
        ErrorMessage = "WebhookReceiving:PublicKeysRefreshInterval must be from 1 minute to 1 day.")]
    public TimeSpan PublicKeysRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far <c>webhook-timestamp</c> may be from the clock, either way.</summary>
    /// <value><see cref="WebhookVerifier.DefaultTolerance"/>: 5 minutes, as the official libraries. Also how long the replay guard
    /// remembers a handled id at least. 1 second to 1 day.</value>
    [OptionRange(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "WebhookReceiving:Tolerance must be from 1 second to 1 day.")]
    public TimeSpan Tolerance { get; set; } = WebhookVerifier.DefaultTolerance;

    /// <summary>The largest request body read and verified, in bytes; a larger one is refused with 413 before it is read.</summary>
    /// <value><see cref="DefaultMaxBodyBytes"/>: 1 MiB, four times Hookline's own payload limit.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "WebhookReceiving:MaxBodyBytes must be positive.")]
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// Whether the replay guard runs each verified <c>webhook-id</c>'s handler once within the window: a copy of an id already
    /// handled (a resend, a retry after a lost answer) is acknowledged with 204 No Content without running the handler again, a
    /// copy arriving while the handler runs is refused with 409 Conflict (the sender retries it), and an id whose handler
    /// failed is forgotten. The ids are kept in <c>HybridCache</c>, so instances that share a distributed cache share the guard.
    /// </summary>
    /// <value><see langword="true"/>, as Standard Webhooks asks receivers to deduplicate on <c>webhook-id</c>.</value>
    public bool EnableReplayGuard { get; set; } = true;

    /// <summary>At least one way to verify is configured, and <see cref="PublicKeysUrl"/> is one a key set may come from.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Secrets.Count == 0 && PublicKeys.Count == 0 && PublicKeysUrl is null)
        {
            yield return new ValidationResult(
                "No webhook secret or public key is configured: set WebhookReceiving:Secrets (whsec_ secrets), "
                + "WebhookReceiving:PublicKeys (whpk_ public keys) or WebhookReceiving:PublicKeysUrl (a JSON Web Key Set of them), "
                + "or the sender's own, to what the sender gave you.",
                [nameof(Secrets), nameof(PublicKeys), nameof(PublicKeysUrl)]);
        }

        if (PublicKeysUrl is { } url && !IsKeySetUrl(url))
        {
            yield return new ValidationResult(
                "WebhookReceiving:PublicKeysUrl must be an absolute https URL (http only to localhost or a loopback address): the keys "
                + "it serves decide which webhooks are genuine.",
                [nameof(PublicKeysUrl)]);
        }
    }

    private static bool IsKeySetUrl(Uri url) =>
        url.IsAbsoluteUri
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));
}
