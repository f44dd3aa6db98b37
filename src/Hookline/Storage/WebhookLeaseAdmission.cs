namespace Hookline.Storage;

/// <summary>
/// The rule a store applies, inside its lease transaction, to decide which due deliveries a lease takes. One rule for every
/// store, so that it holds across every dispatcher sharing the store:
/// <list type="bullet">
/// <item>an endpoint takes at most what its circuit allows (<see cref="WebhookCircuit"/>) less what it has leased already,
/// and a rate-limited one a send every 1/rate seconds, no bursts;</item>
/// <item>within an endpoint, the oldest due delivery goes first, and one not taken keeps its place (it is not rewritten);</item>
/// <item>the lease's slots go to the tenants whose deliveries the dispatcher holds the fewest of, then within a tenant to its
/// endpoints that hold the fewest, one slot at a time (max-min fair): a slot nobody else wants is lent, up to
/// <see cref="WebhookLeaseRequest.MaxPerTenant"/>.</item>
/// </list>
/// </summary>
/// <remarks>
/// The store reads the endpoints that may have due deliveries (<see cref="AddEndpoint"/>), as it holds them now and while no
/// other lease can change them (its lock on each endpoint, or its only writer); for each, its oldest due deliveries, as many
/// as <see cref="DueToRead"/> says (<see cref="AddDue"/>), or of an ordered one (<see cref="IsOrdered"/>) its keys' due heads;
/// then leases those <see cref="Admit"/> returns, and writes back <see cref="NextSends"/> and each endpoint's
/// <see cref="DueAgainAt"/>, in the same transaction.
/// </remarks>
public sealed class WebhookLeaseAdmission
{
    private readonly WebhookLeaseRequest _request;
    private readonly Dictionary<string, EndpointState> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _nextSends = new(StringComparer.Ordinal);

    /// <summary>Starts deciding one lease.</summary>
    /// <param name="request">The lease.</param>
    public WebhookLeaseAdmission(WebhookLeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _request = request;
    }

    /// <summary>
    /// The endpoints whose next send time this lease moved, with the new times: the store writes them in the lease's transaction.
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> NextSends => _nextSends;

    /// <summary>
    /// How many of the endpoints that may have due deliveries the store reads, longest waiting first: one for each delivery the
    /// lease may take, and a few more, as some may be unable to take one (at their limit). Those not reached keep their place.
    /// </summary>
    public int EndpointsToRead => _request.Max + 8;

    /// <summary>Tells an endpoint that may have due deliveries, as the store holds it now.</summary>
    /// <param name="endpoint">The endpoint.</param>
    public void AddEndpoint(WebhookLeaseEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var circuit = WebhookCircuit.Of(
            endpoint.ConsecutiveFailures, endpoint.FailingSince, endpoint.LastFailedAt, _request.Now, _request.CircuitBreaker);
        var room = Math.Max(0, circuit.MaxConcurrency(_request.MaxPerEndpoint) - endpoint.Leased);
        DateTimeOffset? waitUntil = circuit.OpenUntil;
        if (circuit.State == WebhookCircuitState.Probing && room == 0)
        {
            // Its attempt in flight makes it due again when recorded (as every attempt of a probing endpoint changes its health),
            // or when its lease runs out, at the latest by the end of this one.
            waitUntil = _request.LeaseUntil;
        }

        if (endpoint.RateLimit is not null && endpoint.NextSendAt > _request.Now)
        {
            room = 0;
            waitUntil ??= endpoint.NextSendAt;
        }
        else if (endpoint.RateLimit is not null)
        {
            room = Math.Min(room, 1);
        }

        _endpoints[endpoint.Id] = new EndpointState(endpoint, Math.Min(room, _request.Max), waitUntil);
    }

    /// <summary>
    /// How many of an endpoint's due deliveries the store reads for it, oldest first: as many as it may take now, and one more,
    /// which tells whether some are left after the lease.
    /// </summary>
    /// <param name="endpointId">An endpoint told with <see cref="AddEndpoint"/>.</param>
    /// <returns>At least one.</returns>
    public int DueToRead(string endpointId) => Endpoint(endpointId).Room + 1;

    /// <summary>
    /// Whether an endpoint told with <see cref="AddEndpoint"/> receives its deliveries in order
    /// (<see cref="WebhookLeaseEndpoint.Ordered"/>):
    /// then the store tells only the due heads of its ordering keys.
    /// </summary>
    /// <param name="endpointId">The endpoint.</param>
    public bool IsOrdered(string endpointId) => Endpoint(endpointId).Endpoint.Ordered;

    /// <summary>Tells one due delivery of an endpoint, in the endpoint's due order (due time, then id).</summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <param name="deliveryId">The delivery.</param>
    /// <param name="dueAt">When it is due.</param>
    public void AddDue(string endpointId, long deliveryId, DateTimeOffset dueAt) => Endpoint(endpointId).Due.Add((deliveryId, dueAt));

    /// <summary>Decides which due deliveries the lease takes, up to <see cref="WebhookLeaseRequest.Max"/>.</summary>
    /// <returns>The deliveries to lease, in the order they were given their slots.</returns>
    public IReadOnlyList<long> Admit()
    {
        var leased = new List<long>();
        var tenants = _endpoints.Values
            .GroupBy(e => e.Endpoint.Tenant ?? string.Empty, StringComparer.Ordinal)
            .Select(g => new TenantState([.. g], _request.InFlight.GetValueOrDefault(g.Key)))
            .ToList();
        while (leased.Count < _request.Max && Fewest(tenants.Where(t => t.Held < _request.MaxPerTenant), t => t.Held, t => t.Next())
            is { } tenant)
        {
            var endpoint = Fewest(tenant.Endpoints, e => e.Endpoint.Leased + e.Taken, e => e.Next())!;
            var (id, _) = endpoint.Due[endpoint.Taken++];
            tenant.Held++;
            leased.Add(id);
            if (endpoint.Endpoint.RateLimit is { } rate)
            {
                var nextSend = _request.Now + TimeSpan.FromSeconds(1.0 / rate);
                _nextSends[endpoint.Endpoint.Id] = nextSend;
                endpoint.WaitUntil = nextSend;
            }
        }

        return leased;
    }

    /// <summary>
    /// When an endpoint told with <see cref="AddEndpoint"/> is due again after the lease, as the store writes it back.
    /// </summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <returns>
    /// <see langword="null"/> when the lease took every due delivery it had: then it is due when its next pending delivery is
    /// (a retry, or a lease running out), if it has one. Otherwise: when its open circuit lets a probe through, its rate limit
    /// its next send, or its attempt in flight (new or failing endpoint) is recorded, at the latest when this lease ends; the
    /// lease's time, for one served or at its limit (it goes behind the endpoints that waited longer); or its due time as it
    /// was, for one the lease did not reach (the slots went to others first): it keeps its place.
    /// </returns>
    public DateTimeOffset? DueAgainAt(string endpointId)
    {
        var endpoint = Endpoint(endpointId);
        if (endpoint.Due.Count <= endpoint.Taken)
        {
            return null;
        }

        // One that could have taken some but was not reached (the slots went to others) keeps its place.
        return endpoint.WaitUntil ?? (endpoint.Taken == 0 && endpoint.Room > 0 ? endpoint.Endpoint.DueAt : null) ?? _request.Now;
    }

    /// <summary>The endpoints told with <see cref="AddEndpoint"/> whose due time the lease changes: the store writes only those.</summary>
    public IEnumerable<string> Rescheduled =>
        _endpoints.Values.Where(e => DueAgainAt(e.Endpoint.Id) is not { } at || at != e.Endpoint.DueAt).Select(e => e.Endpoint.Id);

    /// <summary>The item with the fewest, then the oldest next due delivery; <see langword="null"/> when none has one to take.</summary>
    private static T? Fewest<T>(IEnumerable<T> items, Func<T, int> held, Func<T, (long Id, DateTimeOffset DueAt)?> next)
        where T : class
    {
        T? best = null;
        var bestHeld = 0;
        (long Id, DateTimeOffset DueAt) bestNext = default;
        foreach (var item in items)
        {
            if (next(item) is not { } candidate)
            {
                continue;
            }

            var count = held(item);
            if (best is null || count < bestHeld || (count == bestHeld
                && (candidate.DueAt < bestNext.DueAt || (candidate.DueAt == bestNext.DueAt && candidate.Id < bestNext.Id))))
            {
                (best, bestHeld, bestNext) = (item, count, candidate);
            }
        }

        return best;
    }

    private EndpointState Endpoint(string endpointId) => _endpoints.TryGetValue(endpointId, out var state)
        ? state
        : throw new InvalidOperationException($"The endpoint '{endpointId}' was not added before its deliveries.");

    private sealed class EndpointState(WebhookLeaseEndpoint endpoint, int room, DateTimeOffset? waitUntil)
    {
        public WebhookLeaseEndpoint Endpoint { get; } = endpoint;

        /// <summary>How many it may take in this lease.</summary>
        public int Room { get; } = room;

        /// <summary>Until when deliveries it has left wait: its circuit's break, or its rate limit's next send.</summary>
        public DateTimeOffset? WaitUntil { get; set; } = waitUntil;

        /// <summary>Its due deliveries the store read, oldest first.</summary>
        public List<(long Id, DateTimeOffset DueAt)> Due { get; } = [];

        /// <summary>How many of <see cref="Due"/> this lease took.</summary>
        public int Taken { get; set; }

        /// <summary>Its next delivery to take, if it may take one more.</summary>
        public (long Id, DateTimeOffset DueAt)? Next() => Taken < Room && Taken < Due.Count ? Due[Taken] : null;
    }

    private sealed class TenantState(List<EndpointState> endpoints, int held)
    {
        public List<EndpointState> Endpoints { get; } = endpoints;

        /// <summary>How many of its deliveries the dispatcher holds: in flight, and taken by this lease.</summary>
        public int Held { get; set; } = held;

        public (long Id, DateTimeOffset DueAt)? Next() => Fewest(Endpoints, e => e.Endpoint.Leased + e.Taken, e => e.Next()) is { } endpoint
            ? endpoint.Next()
            : null;
    }
}
