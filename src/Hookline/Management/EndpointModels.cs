using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hookline.Storage;

namespace Hookline.Management;

/// <summary>An endpoint's settings: to register one, or to replace them.</summary>
public sealed record WebhookEndpointRequest
{
    /// <summary>
    /// The absolute https URL (http only where allowed) that deliveries are sent to; no credentials, no fragment, at most 2,048
    /// characters. Required, but for a polling endpoint, which has none.
    /// </summary>
    public string? Url { get; init; }

    /// <summary>
    /// True for a polling endpoint: no URL, nothing sent; you read its messages from its feed (<c>GET /endpoints/{id}/feed</c>),
    /// each with the signature headers a delivery carries. No rate limit or ordering. An endpoint stays of the kind it was
    /// registered as.
    /// </summary>
    public bool Polling { get; init; }

    /// <summary>A note for yourself, at most 1,024 characters.</summary>
    public string? Description { get; init; }

    /// <summary>The event types to receive (at least one); leave out, or null, to receive all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>
    /// Per event type, a filter its payloads must match to be delivered here, such as <c>plan == "pro" and amount &gt;= 100</c>:
    /// comparisons (<c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>), <c>in [...]</c> and <c>exists(...)</c> on
    /// payload fields (<c>customer.country</c>), joined by <c>and</c>, <c>or</c>, <c>not</c> and parentheses; at most 1,000 characters.
    /// Checked against the event type's payload schema: an unknown field or a value the field never holds is refused. Leave an
    /// event type out, or this null, to receive all its payloads.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>At most this many deliveries a second, 1 to 10,000; leave out for no limit.</summary>
    public int? RateLimit { get; init; }

    /// <summary>
    /// In what order deliveries arrive: <c>none</c> (the default: several at once, as fast as the endpoint takes them),
    /// <c>ordered</c> (one at a time per ordering key, in publish order; a delivery whose retries run out is <c>blocked</c> and
    /// holds back the later ones of its key until you resend or skip it) or <c>orderedSkipFailures</c> (one at a time per
    /// ordering key, in publish order; a delivery whose retries run out fails and the next one goes).
    /// </summary>
    public string? Ordering { get; init; }

    /// <summary>
    /// How deliveries are signed, in the <c>webhook-signature</c> header: <c>v1</c> (HMAC-SHA256 with a <c>whsec_</c> secret you
    /// hold too; the default), <c>v1a</c> (Ed25519: you verify with the endpoint's <c>whpk_</c> public keys, which cannot sign),
    /// or both while your receiver moves from one to the other. A scheme dropped keeps signing for 24 hours.
    /// </summary>
    public IReadOnlyList<string>? SignatureSchemes { get; init; }
}

/// <summary>A URL registered to receive webhooks.</summary>
public sealed record WebhookEndpointResponse
{
    /// <summary>The endpoint's id, <c>ep_...</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Where deliveries are sent; null for a polling endpoint.</summary>
    public required string? Url { get; init; }

    /// <summary>Whether it is a polling endpoint: nothing is sent to it, and you read its messages from its feed.</summary>
    public required bool Polling { get; init; }

    /// <summary>A note for yourself.</summary>
    public string? Description { get; init; }

    /// <summary>The event types it receives; null for all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Per event type, the filter its payloads must match to be delivered here; null for none.</summary>
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>At most this many deliveries a second; null for no limit.</summary>
    public int? RateLimit { get; init; }

    /// <summary>
    /// In what order deliveries arrive: <c>none</c> (several at once), <c>ordered</c> (one at a time per ordering key, in
    /// publish order; a delivery whose retries run out is <c>blocked</c> until resent or skipped) or <c>orderedSkipFailures</c>
    /// (the same, but a delivery whose retries run out fails and the next one goes).
    /// </summary>
    public required string Ordering { get; init; }

    /// <summary>Whether it receives deliveries.</summary>
    public required bool Enabled { get; init; }

    /// <summary>Why it was disabled: by you, after it answered 410 Gone, or after failing for days.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>When it was registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Since when every delivery to it has failed, if it is failing.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Its circuit breaker: how many deliveries it is sent at once, given how its latest attempts went.</summary>
    public required WebhookEndpointCircuit Circuit { get; init; }

    /// <summary>
    /// Goes up whenever the endpoint changes (also when deliveries mark it failing or disable it). Its
    /// <c>ETag</c> is this number in quotes (<c>"7"</c>): send it as <c>If-Match</c> to change the endpoint
    /// only if it is still as you read it.
    /// </summary>
    public required long Version { get; init; }

    /// <summary>
    /// How deliveries are signed: <c>v1</c> (a <c>whsec_</c> secret), <c>v1a</c> (Ed25519, verified with <c>publicKeys</c>), or both.
    /// </summary>
    public required IReadOnlyList<string> SignatureSchemes { get; init; }

    /// <summary>
    /// The public keys that verify its <c>v1a</c> signatures: the current one, and those still signing in a rotation's
    /// overlap. Empty when it does not sign with <c>v1a</c>.
    /// </summary>
    public required IReadOnlyList<WebhookPublicKeyResponse> PublicKeys { get; init; }

    /// <summary>
    /// The <c>whsec_</c> signing secret: only in the answer to registering it (read it later from its <c>secret</c>), and only
    /// when it signs with <c>v1</c>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    internal static WebhookEndpointResponse From(WebhookEndpoint endpoint, WebhookCircuit circuit, bool withSecret = false) => new()
    {
        Id = endpoint.Id,
        Url = endpoint.Url,
        Polling = endpoint.IsPolling,
        Description = endpoint.Description,
        EventTypes = endpoint.EventTypes,
        Filters = endpoint.Filters,
        RateLimit = endpoint.RateLimit,
        Ordering = ManagementQuery.OrderingName(endpoint.Ordering),
        Enabled = endpoint.Enabled,
        DisabledReason = endpoint.DisabledReason,
        CreatedAt = endpoint.CreatedAt,
        UpdatedAt = endpoint.UpdatedAt,
        FailingSince = endpoint.FailingSince,
        Circuit = new WebhookEndpointCircuit(
            JsonNamingPolicy.CamelCase.ConvertName(circuit.State.ToString()), endpoint.ConsecutiveFailures ?? 0, circuit.OpenUntil),
        Version = endpoint.Version,
        SignatureSchemes = [.. endpoint.SignatureSchemes.Select(SchemeName)],
        PublicKeys = WebhookPublicKeyResponse.Of(endpoint),
        Secret = withSecret ? WebhookSecretResponse.CurrentSecret(endpoint) : null,
    };

    /// <summary>A signature scheme as the API and the <c>webhook-signature</c> header name it: <c>v1</c>, <c>v1a</c>.</summary>
    internal static string SchemeName(WebhookSignatureScheme scheme) => scheme.ToString().ToLowerInvariant();
}

/// <summary>A public key that verifies an endpoint's <c>v1a</c> signatures.</summary>
/// <param name="PublicKey">The key, <c>whpk_...</c>: give it to your receiver (it cannot sign).</param>
/// <param name="Kid">Its RFC 7638 thumbprint, which names it in a JSON Web Key Set.</param>
/// <param name="ExpiresAt">When it stops signing, after a rotation; null for the current key.</param>
public sealed record WebhookPublicKeyResponse(string PublicKey, string Kid, DateTimeOffset? ExpiresAt)
{
    /// <summary>The public keys of the endpoint's active signing keys, current first.</summary>
    internal static IReadOnlyList<WebhookPublicKeyResponse> Of(WebhookEndpoint endpoint) =>
    [
        .. endpoint.Secrets.Where(s => s.Scheme == WebhookSignatureScheme.V1a).OrderBy(s => s.ExpiresAt is not null).Select(s =>
        {
            var key = WebhookSigningKey.Parse(s.Value).PublicKey;
            return new WebhookPublicKeyResponse(key.ToString(), key.Thumbprint, s.ExpiresAt);
        }),
    ];
}

/// <summary>
/// An endpoint's circuit breaker. An endpoint whose latest attempt succeeded is sent several deliveries at once; a new one, and
/// one whose latest attempt failed, one at a time. After several failures in a row none is sent for a while (the circuit is
/// open), then one (the probe): a success closes the circuit, a failure opens it again for longer. Deliveries waiting meanwhile
/// keep their place and their attempts.
/// </summary>
/// <param name="State">
/// <c>closed</c> (its latest attempt succeeded), <c>probing</c> (new, or failing: one at a time) or <c>open</c>.
/// </param>
/// <param name="ConsecutiveFailures">Its failed attempts since its latest success.</param>
/// <param name="OpenUntil">When an open circuit lets its next probe through.</param>
public sealed record WebhookEndpointCircuit(string State, int ConsecutiveFailures, DateTimeOffset? OpenUntil);

/// <summary>An endpoint's signing secret, and the public keys of its signing keys.</summary>
/// <param name="Secret">
/// The current <c>whsec_</c> secret: deliveries are signed with it (and, during a rotation's overlap, also with the previous
/// one); null when the endpoint signs with <c>v1a</c> only.
/// </param>
/// <param name="PublicKeys">The public keys that verify its <c>v1a</c> signatures; empty when it does not sign with <c>v1a</c>.</param>
public sealed record WebhookSecretResponse(string? Secret, IReadOnlyList<WebhookPublicKeyResponse> PublicKeys)
{
    internal static WebhookSecretResponse Of(WebhookEndpoint endpoint) =>
        new(CurrentSecret(endpoint), WebhookPublicKeyResponse.Of(endpoint));

    /// <summary>The current <c>whsec_</c> secret; never a <c>whsk_</c> signing key, which only the sender holds.</summary>
    internal static string? CurrentSecret(WebhookEndpoint endpoint) =>
        endpoint.Secrets.FirstOrDefault(s => s.ExpiresAt is null && s.Scheme == WebhookSignatureScheme.V1)?.Value;
}

/// <summary>How to rotate a signing secret.</summary>
public sealed record WebhookSecretRotationRequest
{
    /// <summary>
    /// How long the old secret keeps signing next to the new one, in seconds, 0 to 604,800 (7 days); leave out for 86,400 (24
    /// hours).
    /// </summary>
    public int? OverlapSeconds { get; init; }
}

/// <summary>Which example event to send.</summary>
public sealed record WebhookTestRequest
{
    /// <summary>The event type whose example payload is sent.</summary>
    [Required]
    public string EventType { get; init; } = "";
}

/// <summary>Which failed deliveries to send again.</summary>
public sealed record WebhookRecoverRequest
{
    /// <summary>Failed (and blocked) deliveries of messages published at or after this time are sent again.</summary>
    [Required]
    public DateTimeOffset? Since { get; init; }
}

/// <summary>How many failed deliveries are being sent again.</summary>
/// <param name="Recovered">The number of deliveries now pending again.</param>
public sealed record WebhookRecoverResponse(int Recovered);
