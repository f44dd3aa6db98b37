using System.Text.Json.Nodes;
using Hookline.Filtering;
using Hookline.Storage;
using Microsoft.Extensions.Options;

namespace Hookline;

internal sealed class WebhookEndpointManager(
    IWebhookEndpointStore endpoints,
    IWebhookDeliveryQueue queue,
    WebhookCatalog catalog,
    WebhookEventTypes eventTypes,
    DestinationPolicy destinations,
    DispatchSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider time) : IWebhookEndpointManager
{
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 1024;
    public const int MaxRateLimit = 10_000;

    /// <summary>At most this many secrets sign at once: the current one and those still in a rotation's overlap.</summary>
    public const int MaxActiveSecrets = 10;

    /// <summary>How often a change without a precondition is tried against an endpoint others keep changing.</summary>
    private const int MaxTries = 50;
    private static readonly TimeSpan s_defaultOverlap = TimeSpan.FromHours(24);

    public async Task<WebhookEndpoint> CreateAsync(
        WebhookEndpointSettings settings, string? tenant = null, string? secret = null, CancellationToken cancellationToken = default)
    {
        if (secret is not null)
        {
            try
            {
                WebhookSecret.Parse(secret);
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, nameof(secret));
            }
        }

        var valid = await ValidateAsync(settings, tenant, endpointId: null, cancellationToken).ConfigureAwait(false);
        if (secret is not null && !valid.SignatureSchemes!.Contains(WebhookSignatureScheme.V1))
        {
            throw new ArgumentException(
                "A secret signs v1 signatures, and this endpoint does not sign with v1: add V1 to its SignatureSchemes, or leave "
                + "the secret out.",
                nameof(secret));
        }

        var now = Now();
        var endpoint = new WebhookEndpoint
        {
            Id = WebhookIds.NewEndpointId(now),
            Tenant = tenant,
            Url = valid.Url,
            Description = valid.Description,
            EventTypes = valid.EventTypes,
            Filters = valid.Filters,
            RateLimit = valid.RateLimit,
            Ordering = valid.Ordering,
            Secrets = [.. valid.SignatureSchemes!.Select(s => NewSecret(s, now, s == WebhookSignatureScheme.V1 ? secret : null))],
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        // The app's own endpoints (of no tenant) are not capped.
        var max = tenant is null ? null : options.Value.MaxEndpointsPerTenant;
        if (!await endpoints.CreateEndpointAsync(endpoint, max, cancellationToken).ConfigureAwait(false))
        {
            throw new WebhookEndpointLimitException(tenant!, max!.Value);
        }

        return endpoint;
    }

    public Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return endpoints.GetEndpointAsync(id, cancellationToken);
    }

    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string? tenant = null, CancellationToken cancellationToken = default) =>
        endpoints.ListEndpointsAsync(tenant, cancellationToken);

    public async Task<WebhookEndpoint?> UpdateAsync(
        string id, WebhookEndpointSettings settings, long? ifVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(settings);
        // An endpoint keeps its kind, whatever else the settings say: that refusal first, before the settings of the other kind.
        if (await endpoints.GetEndpointAsync(id, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return null;
        }

        if (current.IsPolling != settings.Polling)
        {
            throw KindChange(current);
        }

        var valid = await ValidateAsync(settings, tenant: null, id, cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(
            id,
            ifVersion,
            e =>
            {
                var now = Now();
                return (e.IsPolling == valid.Polling ? (e.Url == valid.Url ? e : NewCircuit(e)) : throw KindChange(e)) with
                {
                    Url = valid.Url,
                    Description = valid.Description,
                    EventTypes = valid.EventTypes,
                    Filters = valid.Filters,
                    RateLimit = valid.RateLimit,
                    Ordering = valid.Ordering,
                    Secrets = Resign(e, valid.SignatureSchemes!, now),
                    UpdatedAt = now,
                };
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An endpoint's secrets for <paramref name="schemes"/>: a new current one for each scheme it did not sign with; the
    /// current one of each scheme it drops signs on for the default overlap, as after a rotation.
    /// </summary>
    private static List<WebhookEndpointSecret> Resign(
        WebhookEndpoint endpoint, IReadOnlyList<WebhookSignatureScheme> schemes, DateTimeOffset now)
    {
        var current = endpoint.SignatureSchemes;
        List<WebhookEndpointSecret> secrets =
        [
            .. schemes.Except(current).Select(scheme => NewSecret(scheme, now)),
            .. endpoint.Secrets
                .Select(s => s.ExpiresAt is null && !schemes.Contains(s.Scheme) ? s with { ExpiresAt = now + s_defaultOverlap } : s)
                .Where(s => s.IsActive(now)),
        ];
        return Limited(endpoint.Id, secrets);
    }

    private static WebhookEndpointSecret NewSecret(WebhookSignatureScheme scheme, DateTimeOffset now, string? secret = null) =>
        new(scheme == WebhookSignatureScheme.V1a ? WebhookSigningKey.Generate() : secret ?? WebhookSecret.Generate(), now);

    /// <summary>
    /// Every active secret signs every delivery: a flood of rotations or scheme changes must not grow that header without bound.
    /// </summary>
    private static List<WebhookEndpointSecret> Limited(string endpointId, List<WebhookEndpointSecret> secrets) =>
        secrets.Count > MaxActiveSecrets
            ? throw new WebhookSecretLimitException(
                endpointId, MaxActiveSecrets, secrets.Where(s => s.ExpiresAt is not null).Min(s => s.ExpiresAt)!.Value)
            : secrets;

    public Task<WebhookEndpoint?> EnableAsync(string id, long? ifVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            id, ifVersion, e => NewCircuit(e) with { Enabled = true, DisabledReason = null, UpdatedAt = Now() }, cancellationToken);

    /// <summary>
    /// An endpoint enabled again, or moved to another URL, starts afresh: not failing, and with its circuit probing (one attempt
    /// at a time until one succeeds), as a new one.
    /// </summary>
    private static WebhookEndpoint NewCircuit(WebhookEndpoint endpoint) =>
        endpoint with { FailingSince = null, ConsecutiveFailures = null, LastFailedAt = null };

    public Task<WebhookEndpoint?> DisableAsync(
        string id, string? reason = null, long? ifVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            id,
            ifVersion,
            e => e with { Enabled = false, DisabledReason = reason ?? "Disabled by its owner.", UpdatedAt = Now() },
            cancellationToken);

    public async Task<bool> DeleteAsync(string id, long? ifVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await endpoints.DeleteEndpointAsync(id, ifVersion, cancellationToken).ConfigureAwait(false) switch
        {
            WebhookEndpointWrite.Written => true,
            WebhookEndpointWrite.NotFound => false,
            _ => throw Stale(id, ifVersion),
        };
    }

    public Task<WebhookEndpoint?> RotateSecretAsync(
        string id, TimeSpan? overlap = null, long? ifVersion = null, CancellationToken cancellationToken = default)
    {
        var keep = overlap ?? s_defaultOverlap;
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, TimeSpan.Zero, nameof(overlap));
        return ChangeAsync(
            id,
            ifVersion,
            e =>
            {
                var now = Now();

                // A new current secret (or key) for each scheme; the current ones sign on until the overlap ends, and ones
                // already past theirs are dropped.
                List<WebhookEndpointSecret> secrets =
                [
                    .. e.SignatureSchemes.Select(scheme => NewSecret(scheme, now)),
                    .. e.Secrets.Select(s => s.ExpiresAt is null ? s with { ExpiresAt = now + keep } : s).Where(s => s.IsActive(now)),
                ];
                return e with { Secrets = Limited(e.Id, secrets), UpdatedAt = now };
            },
            cancellationToken);
    }

    public async Task<WebhookResendOutcome> ResendAsync(string messageId, string endpointId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(endpointId);
        var resent = await queue.ResendAsync(messageId, endpointId, Now(), cancellationToken).ConfigureAwait(false);
        if (resent == WebhookResendOutcome.Resent)
        {
            signal.Notify();
        }

        return resent;
    }

    public async Task<bool> SkipAsync(string messageId, string endpointId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(endpointId);
        var skipped = await queue.SkipAsync(messageId, endpointId, Now(), cancellationToken).ConfigureAwait(false);
        if (skipped)
        {
            signal.Notify();
        }

        return skipped;
    }

    public async Task<int> RecoverAsync(string endpointId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpointId);
        var recovered = await queue.RecoverAsync(endpointId, since, Now(), cancellationToken).ConfigureAwait(false);
        if (recovered > 0)
        {
            signal.Notify();
        }

        return recovered;
    }

    /// <summary>The time, to the millisecond: what stores keep, so what is returned is what is stored.</summary>
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the endpoint as stored, compare-and-set: if another change was
    /// stored since it was read, it is read again and the change applied on top, unless the caller asked
    /// for a version (<paramref name="ifVersion"/>), which is then refused.
    /// </summary>
    private async Task<WebhookEndpoint?> ChangeAsync(
        string id, long? ifVersion, Func<WebhookEndpoint, WebhookEndpoint> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        for (var tries = 1; ; tries++)
        {
            if (await endpoints.GetEndpointAsync(id, cancellationToken).ConfigureAwait(false) is not { } endpoint)
            {
                return null;
            }

            if (ifVersion is { } expected && endpoint.Version != expected)
            {
                throw Stale(id, ifVersion);
            }

            var changed = change(endpoint) with { Version = endpoint.Version };
            switch (await endpoints.UpdateEndpointAsync(changed, cancellationToken).ConfigureAwait(false))
            {
                case WebhookEndpointWrite.Written:
                    return changed with { Version = endpoint.Version + 1 };
                case WebhookEndpointWrite.NotFound:
                    return null;
                case WebhookEndpointWrite.Stale when ifVersion is null && tries < MaxTries:
                    continue;
                default:
                    throw Stale(id, ifVersion);
            }
        }
    }

    private static ArgumentException KindChange(WebhookEndpoint endpoint) =>
        new(
            endpoint.IsPolling
                ? $"Endpoint '{endpoint.Id}' is a polling endpoint, and stays one: register a new endpoint to have messages sent to a URL."
                : $"Endpoint '{endpoint.Id}' has a URL, and keeps one: register a new, polling endpoint to read messages instead.",
            nameof(WebhookEndpointSettings.Polling));

    private static WebhookEndpointConflictException Stale(string id, long? ifVersion) =>
        new(
            id,
            ifVersion,
            ifVersion is { } expected
                ? $"Endpoint '{id}' is no longer at version {expected}: it changed since. Read it again."
                : $"Endpoint '{id}' was changed by others {MaxTries} times while this change was being stored. Try again.");

    /// <summary>
    /// Checks <paramref name="settings"/>, throwing for the first one at fault; returns them normalized
    /// (absolute URL, event types once each). The URL's destination must be one webhooks may reach; a refused one is logged
    /// with the endpoint's tenant (when registering) or id (when changing it).
    /// </summary>
    private async Task<WebhookEndpointSettings> ValidateAsync(
        WebhookEndpointSettings settings, string? tenant, string? endpointId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Polling)
        {
            return await ValidPollingAsync(settings).ConfigureAwait(false);
        }

        var url = ValidUrl(settings.Url);
        var types = settings.EventTypes is null ? null : ValidEventTypes(settings.EventTypes);
        var valid = new WebhookEndpointSettings
        {
            Url = url.AbsoluteUri,
            Description = ValidDescription(settings.Description),
            EventTypes = types,
            Filters = await ValidFiltersAsync(settings.Filters, types).ConfigureAwait(false),
            RateLimit = settings.RateLimit is < 1 or > MaxRateLimit
                ? throw new ArgumentException(
                    $"An endpoint's rate limit is 1 to {MaxRateLimit:N0} deliveries a second, or none; not {settings.RateLimit}.",
                    nameof(settings.RateLimit))
                : settings.RateLimit,
            Ordering = Enum.IsDefined(settings.Ordering)
                ? settings.Ordering
                : throw new ArgumentException(
                    $"An endpoint's ordering is {string.Join(", ", Enum.GetNames<WebhookOrdering>())}; not {(int)settings.Ordering}.",
                    nameof(settings.Ordering)),
            SignatureSchemes = ValidSignatureSchemes(settings.SignatureSchemes),
        };
        await destinations.EnsureAllowedAsync(url, tenant, endpointId, nameof(settings.Url), cancellationToken).ConfigureAwait(false);
        return valid;
    }

    /// <summary>
    /// A polling endpoint's settings: no URL (so no destination to check), no rate limit and no ordering, since nothing is sent to
    /// it; its event types and payload filters as any endpoint's, applied to its feed.
    /// </summary>
    private async Task<WebhookEndpointSettings> ValidPollingAsync(WebhookEndpointSettings settings)
    {
        if (settings.Url is not null)
        {
            throw new ArgumentException(
                "A polling endpoint has no URL: its messages are read from its feed, not sent. Leave the URL out, or register an "
                + "endpoint that is not polling.",
                nameof(settings.Url));
        }

        if (settings.RateLimit is not null)
        {
            throw new ArgumentException(
                "A polling endpoint has no rate limit: nothing is sent to it, and it reads its feed as fast as it likes.",
                nameof(settings.RateLimit));
        }

        if (settings.Ordering != WebhookOrdering.None)
        {
            throw new ArgumentException(
                "A polling endpoint has no ordering to set: its feed is always read in order, one message after another.",
                nameof(settings.Ordering));
        }

        var types = settings.EventTypes is null ? null : ValidEventTypes(settings.EventTypes);
        return new WebhookEndpointSettings
        {
            Polling = true,
            Description = ValidDescription(settings.Description),
            EventTypes = types,
            Filters = await ValidFiltersAsync(settings.Filters, types).ConfigureAwait(false),
            SignatureSchemes = ValidSignatureSchemes(settings.SignatureSchemes),
        };
    }

    /// <summary>
    /// The schemes an endpoint signs with: <see cref="WebhookSignatureScheme.V1"/> when left out; at least one, each once.
    /// </summary>
    private static List<WebhookSignatureScheme> ValidSignatureSchemes(IReadOnlyList<WebhookSignatureScheme>? schemes)
    {
        if (schemes is null)
        {
            return [WebhookSignatureScheme.V1];
        }

        const string Field = nameof(WebhookEndpointSettings.SignatureSchemes);
        var names = string.Join(", ", Enum.GetNames<WebhookSignatureScheme>());
        if (schemes.Count == 0)
        {
            throw new ArgumentException($"An endpoint signs with at least one scheme ({names}); leave them out for V1.", Field);
        }

        foreach (var scheme in schemes.Where(s => !Enum.IsDefined(s)))
        {
            throw new ArgumentException($"An endpoint's signature schemes are {names}; not {(int)scheme}.", Field);
        }

        return schemes.Distinct().Count() == schemes.Count
            ? [.. schemes.Order()]
            : throw new ArgumentException("An endpoint lists each signature scheme once.", Field);
    }

    private static string? ValidDescription(string? description) =>
        description is { Length: > MaxDescriptionLength }
            ? throw new ArgumentException(
                $"An endpoint description is at most {MaxDescriptionLength} characters; this one is {description.Length}.",
                nameof(WebhookEndpointSettings.Description))
            : StorableText.RequireReadable(description, "An endpoint description", nameof(WebhookEndpointSettings.Description));

    private static Uri ValidUrl(string? url)
    {
        const string Name = nameof(WebhookEndpointSettings.Url);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ArgumentException("An endpoint needs a URL.", Name);
        }

        if (url.Length > MaxUrlLength)
        {
            throw new ArgumentException($"An endpoint URL is at most {MaxUrlLength} characters; this one is {url.Length}.", Name);
        }

        // Uri would trim or percent-escape these and the endpoint would be stored as a URL nobody typed.
        foreach (var c in url)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException(
                    $"An endpoint URL must not contain spaces or control characters; this one has U+{(int)c:X4}.", Name);
            }
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new ArgumentException($"'{url}' is not an absolute http or https URL.", Name);
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                "An endpoint URL must not carry credentials (user:password@); the receiver checks the signature instead.", Name);
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("An endpoint URL must not have a fragment (#...): it is never sent to the server.", Name);
        }

        return uri;
    }

    private List<string> ValidEventTypes(IReadOnlyList<string> eventTypes)
    {
        const string Name = nameof(WebhookEndpointSettings.EventTypes);
        if (eventTypes.Count == 0)
        {
            throw new ArgumentException("List at least one webhook to receive, or none (null) to receive all of them.", Name);
        }

        foreach (var name in eventTypes)
        {
            if (name is null || catalog.Find(name).Count == 0)
            {
                throw new ArgumentException(
                    $"No webhook named '{name}' is declared; "
                    + $"declared: {string.Join(", ", catalog.Names.Order(StringComparer.Ordinal).Select(d => $"'{d}'"))}.",
                    Name);
            }
        }

        return [.. eventTypes.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Checks each filter: for a declared webhook the endpoint receives, readable, and naming only fields of the webhook's payload
    /// schema (as the OpenAPI document has it) with values they can hold, so that a typo is refused rather than matching nothing.
    /// </summary>
    private async Task<Dictionary<string, string>?> ValidFiltersAsync(IReadOnlyDictionary<string, string>? filters, List<string>? receives)
    {
        if (filters is null || filters.Count == 0)
        {
            return null;
        }

        IReadOnlyList<WebhookEventType> types;
        try
        {
            types = await eventTypes.GetAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            var document = options.Value.Management.DocumentName;
            throw new InvalidOperationException(
                $"Endpoint filters are checked against the webhooks' payload schemas in the OpenAPI document '{document}': add it with "
                + $"builder.Services.AddOpenApi(\"{document}\") (or set WebhookOptions.Management.DocumentName).",
                e);
        }

        foreach (var (webhook, filter) in filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var name = $"{nameof(WebhookEndpointSettings.Filters)}.{webhook}";
            if (catalog.Find(webhook).Count == 0)
            {
                throw new ArgumentException(
                    $"There is a filter for '{webhook}', but no webhook of that name is declared; declared: "
                    + $"{string.Join(", ", catalog.Names.Order(StringComparer.Ordinal).Select(d => $"'{d}'"))}.",
                    name);
            }

            if (receives is not null && !receives.Contains(webhook, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The filter for '{webhook}' would never apply: the endpoint does not receive '{webhook}'. Add it to the event "
                    + "types, or remove the filter.",
                    name);
            }

            if (string.IsNullOrWhiteSpace(filter))
            {
                throw new ArgumentException(
                    $"The filter for '{webhook}' is empty: leave '{webhook}' out to receive all its payloads.", name);
            }

            FilterExpression parsed;
            try
            {
                parsed = PayloadFilterParser.Parse(filter);
            }
            catch (FilterSyntaxException e)
            {
                throw new ArgumentException($"The filter for '{webhook}' cannot be read: {e.Message}", name);
            }

            // A webhook left out of the document has no schema to check against: its filter is only read.
            if (types.FirstOrDefault(t => t.Name == webhook)?.Schema is JsonObject schema
                && FilterSchemaCheck.Check(parsed, schema) is { Count: > 0 } errors)
            {
                throw new ArgumentException($"The filter for '{webhook}' would never match as written: {string.Join(" ", errors)}", name);
            }
        }

        return new Dictionary<string, string>(filters, StringComparer.Ordinal);
    }
}
