namespace Hookline.Storage;

/// <summary>
/// The rule a store applies, inside its lease transaction, to decide which due deliveries a lease takes: per endpoint, at most
/// <see cref="LeaseRequest.MaxPerEndpoint"/> leased at once, and for an endpoint with a rate limit one send every 1/rate seconds,
/// no bursts. One rule for every store, so the limits hold across every dispatcher that shares the store.
/// </summary>
/// <remarks>
/// The store tells it each endpoint's state as it holds it now, read while no other lease can change it (its lock on the
/// endpoint, or its only writer), then asks about each due delivery in due order. A delivery it holds back stays pending, not
/// attempted, due again when its endpoint may take it; the store writes <see cref="NextSends"/> back in the same transaction.
/// </remarks>
public sealed class LeaseAdmission
{
    /// <summary>
    /// How long a delivery whose endpoint is at its concurrency limit waits before it is leased again: about as long as a
    /// quick endpoint takes to free a slot, so that the deliveries of a burst beyond the limit follow within tens of milliseconds.
    /// Each time a held-back delivery comes due with the endpoint still busy, it is held back again.
    /// </summary>
    internal static readonly TimeSpan BusyEndpointDelay = TimeSpan.FromMilliseconds(50);

    private readonly LeaseRequest _request;
    private readonly Dictionary<string, EndpointState> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _nextSends = new(StringComparer.Ordinal);

    /// <summary>Starts deciding one lease.</summary>
    /// <param name="request">The lease.</param>
    public LeaseAdmission(LeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _request = request;
    }

    /// <summary>
    /// The endpoints whose next send time this lease moved, with the new times: the store writes them in the lease's transaction.
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> NextSends => _nextSends;

    /// <summary>Tells the state of an endpoint that due deliveries go to, as the store holds it now.</summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <param name="leased">How many of its deliveries are leased now (leases not yet run out), by any dispatcher.</param>
    /// <param name="rateLimit">Its rate limit, in sends a second; <see langword="null"/> for none.</param>
    /// <param name="nextSendAt">
    /// When a rate-limited endpoint may take its next send, as the last lease stored it; <see langword="null"/> for at once.
    /// </param>
    public void AddEndpoint(string endpointId, int leased, int? rateLimit, DateTimeOffset? nextSendAt) =>
        _endpoints[endpointId] = new EndpointState(leased, rateLimit, nextSendAt ?? _request.Now);

    /// <summary>Decides one due delivery, in due order, to an endpoint told with <see cref="AddEndpoint"/>.</summary>
    /// <param name="endpointId">The endpoint it goes to.</param>
    /// <returns>
    /// <see langword="null"/> to lease it; otherwise when it is due again: 50 ms later for an endpoint at its concurrency
    /// limit, the endpoint's next free send slot for a rate-limited one (each held-back delivery a slot later than the one before,
    /// so a backlog comes back paced).
    /// </returns>
    public DateTimeOffset? Admit(string endpointId)
    {
        var endpoint = _endpoints.TryGetValue(endpointId, out var state)
            ? state
            : throw new InvalidOperationException($"The endpoint '{endpointId}' was not added before its deliveries.");
        var now = _request.Now;
        if (endpoint.Leased >= _request.MaxPerEndpoint)
        {
            return now + BusyEndpointDelay;
        }

        if (endpoint.RateLimit is { } rate)
        {
            var interval = TimeSpan.FromSeconds(1.0 / rate);
            if (endpoint.NextSendAt > now)
            {
                return endpoint.NextSendAt + (endpoint.HeldBack++ * interval);
            }

            endpoint.NextSendAt = now + interval;
            _nextSends[endpointId] = endpoint.NextSendAt;
        }

        endpoint.Leased++;
        return null;
    }

    private sealed class EndpointState(int leased, int? rateLimit, DateTimeOffset nextSendAt)
    {
        public int Leased { get; set; } = leased;

        public int? RateLimit { get; } = rateLimit;

        public DateTimeOffset NextSendAt { get; set; } = nextSendAt;

        /// <summary>How many of this lease's deliveries already wait for a later slot.</summary>
        public int HeldBack { get; set; }
    }
}
