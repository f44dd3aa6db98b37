using System.Collections.Concurrent;
using System.Diagnostics;
using Hookline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Delivers due webhooks. Deliveries published in this process come straight from the publish,
/// leased in its transaction while there are free slots (<see cref="Reserve"/>, <see cref="HandOffAsync"/>);
/// the rest it leases from the store in batches sized to its free slots, when told some are due, when
/// a delivery it put back comes due, and every poll interval. It sends each (bounded overall and per
/// endpoint), applies the retry policy and records the attempts in group commits. On shutdown it
/// stops starting attempts, lets those in flight finish until the host's shutdown timeout, then
/// cancels the rest and gives them back to the store, due at once.
/// </summary>
internal sealed class WebhookDispatcher : BackgroundService
{
    private const int MaxLeaseBatch = 100;

    /// <summary>How long a delivery whose endpoint is at its concurrency limit waits before it is leased again.</summary>
    private static readonly TimeSpan s_busyEndpointDelay = TimeSpan.FromSeconds(1);

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly IWebhookStore _store;
    private readonly WebhookSender _sender;
    private readonly DispatchSignal _signal;
    private readonly TimeProvider _time;
    private readonly WebhookMetrics _metrics;
    private readonly ILogger _logger;
    private readonly WebhookDeliveryOptions _options;
    private readonly RetryPolicy _policy;
    private readonly StoreLookSchedule _looks;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<string, int> _perEndpoint = [];
    private readonly Dictionary<string, DateTimeOffset> _nextSend = [];
    private readonly GroupCommit<AttemptResult, bool> _completions;
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly ConcurrentQueue<long> _aborted = new();
    private readonly CancellationTokenSource _abort = new();

    /// <summary>
    /// Deliveries handed over by publishes, waiting for a slot. It guards itself and the three fields
    /// after it: room promised to publishes in progress, handed-over deliveries being started, and
    /// whether it takes any.
    /// </summary>
    private readonly Queue<LeasedDelivery> _ready = new();
    private int _reserved;
    private int _starting;
    private bool _accepting;

    /// <summary>Set when the store may hold due deliveries, cleared when a lease finds fewer than it asked for; publishes hand nothing over meanwhile.</summary>
    private volatile bool _storeMayHaveDue;

    public WebhookDispatcher(IWebhookStore store, WebhookSender sender, DispatchSignal signal, TimeProvider time, WebhookMetrics metrics, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger)
    {
        _store = store;
        _sender = sender;
        _signal = signal;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _options = options.Value.Delivery;
        _policy = new RetryPolicy(_options);
        _looks = new StoreLookSchedule(_options.PollInterval);
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _completions = new(async results =>
        {
            await store.CompleteAsync(results, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            return new bool[results.Count];
        });
    }

    /// <summary>How long a lease lasts: past it, a delivery not completed is due again.</summary>
    private TimeSpan LeaseDuration => 2 * _options.Timeout;

    /// <summary>
    /// Makes room for deliveries a publish is about to store, so they can be leased in its transaction
    /// and handed straight to this dispatcher; <see langword="null"/> when it is not running, when the
    /// store may hold due deliveries (they go first, oldest first), or when as many wait for a slot as
    /// there are slots. Every lease returned must be handed back with <see cref="HandOffAsync"/>.
    /// </summary>
    public DeliveryLease? Reserve()
    {
        lock (_ready)
        {
            var room = Math.Min(MaxLeaseBatch, _options.MaxConcurrency - _ready.Count - _reserved);
            if (!_accepting || _storeMayHaveDue || room <= 0)
            {
                return null;
            }

            _reserved += room;
            return new DeliveryLease(_owner, _time.GetUtcNow() + LeaseDuration, room);
        }
    }

    /// <summary>Takes the deliveries a publish leased with <paramref name="lease"/>: they start as slots free up.</summary>
    public async Task HandOffAsync(DeliveryLease lease, IReadOnlyList<LeasedDelivery> leased)
    {
        lock (_ready)
        {
            _reserved -= lease.Max;
            if (_accepting)
            {
                foreach (var delivery in leased)
                {
                    _ready.Enqueue(delivery);
                }

                // Started on the thread pool: the publish's callers are not kept waiting while requests go out.
                ThreadPool.UnsafeQueueUserWorkItem(static dispatcher => dispatcher.StartReady(), this, preferLocal: false);
                return;
            }
        }

        if (leased.Count > 0)
        {
            // Stopped meanwhile: given back, due at once.
            var now = _time.GetUtcNow();
            await ReleaseAsync([.. leased.Select(d => new ReleasedDelivery(d.Id, now))]).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Starting stops now; attempts in flight run on until the host's shutdown timeout, then are cancelled and released.
        using (cancellationToken.Register(_abort.Cancel))
        {
            await base.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
        _slots.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        Activity.Current = null; // Attempts are not part of whatever trace started the host.
        lock (_ready)
        {
            _accepting = true;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await DispatchAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        lock (_ready)
        {
            _accepting = false;
            while (_ready.TryDequeue(out var delivery))
            {
                _aborted.Enqueue(delivery.Id); // Handed over but not started: given back, due at once.
            }
        }

        while (Volatile.Read(ref _starting) > 0)
        {
            await Task.Yield(); // A handed-over delivery taken just before: let it join the attempts in flight.
        }

        await Task.WhenAll(_inFlight.Keys).ConfigureAwait(false);
        await ReleaseAbortedAsync().ConfigureAwait(false);
    }

    /// <summary>One round: lease from the store if it may hold due deliveries, then sleep until there is more to do.</summary>
    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        _signal.Reset();
        var now = _time.GetUtcNow();
        if (_signal.TakeDue() | _looks.IsDue(now))
        {
            _storeMayHaveDue = true;
        }

        if (_storeMayHaveDue && TakeFreeSlots() is > 0 and var free)
        {
            _looks.Looked(now);
            IReadOnlyList<LeasedDelivery> leased;
            try
            {
                leased = await _store.LeaseAsync(_owner, now, now + LeaseDuration, free, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                FreeSlots(free);
                _logger.LeaseFailed(e, _options.PollInterval);
                await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch
            {
                FreeSlots(free);
                throw;
            }

            _storeMayHaveDue = leased.Count == free;
            var waiting = StartAll(leased, now);
            FreeSlots(free - leased.Count + waiting.Count);
            if (waiting.Count > 0)
            {
                await ReleaseAsync(waiting).ConfigureAwait(false);
            }

            if (_storeMayHaveDue && waiting.Count < leased.Count)
            {
                return; // More may be due: look again at once.
            }
        }

        // Sleep until a publish, a finished attempt (a free slot, when due deliveries wait for one), a
        // delivery put back coming due, or the poll interval.
        var sleep = _storeMayHaveDue ? _options.PollInterval : _looks.Delay(_time.GetUtcNow());
        await _signal.WaitAsync(sleep, _time, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Takes up to a lease batch of free slots, without waiting.</summary>
    private int TakeFreeSlots()
    {
        var free = 0;
        while (free < MaxLeaseBatch && _slots.Wait(0))
        {
            free++;
        }

        return free;
    }

    /// <summary>Gives slots back, and starts handed-over deliveries in them.</summary>
    private void FreeSlots(int count)
    {
        if (count > 0)
        {
            _slots.Release(count);
            StartReady();
        }
    }

    /// <summary>Starts handed-over deliveries while there are free slots.</summary>
    private void StartReady()
    {
        while (true)
        {
            var ready = new List<LeasedDelivery>();
            lock (_ready)
            {
                while (_ready.Count > 0 && _slots.Wait(0))
                {
                    ready.Add(_ready.Dequeue());
                }

                Interlocked.Increment(ref _starting);
            }

            List<ReleasedDelivery> waiting;
            try
            {
                waiting = StartAll(ready, _time.GetUtcNow());
            }
            finally
            {
                Interlocked.Decrement(ref _starting);
            }

            if (waiting.Count == 0)
            {
                return;
            }

            _slots.Release(waiting.Count); // Their slots may serve other handed-over deliveries: go round again.
            Track(ReleaseAsync(waiting));
        }
    }

    /// <summary>
    /// Starts each delivery (each holding a slot) its endpoint can take now. Returns the others, each
    /// due when its endpoint can take it: the caller frees their slots and gives them back to the store.
    /// </summary>
    private List<ReleasedDelivery> StartAll(IReadOnlyList<LeasedDelivery> deliveries, DateTimeOffset now)
    {
        var waiting = new List<ReleasedDelivery>();
        foreach (var delivery in deliveries)
        {
            if (Admit(delivery, now, waiting.Count) is { } dueAt)
            {
                waiting.Add(new(delivery.Id, dueAt));
                _looks.Add(dueAt);
            }
            else
            {
                Track(DeliverAsync(delivery));
            }
        }

        return waiting;
    }

    /// <summary>Keeps a task among the work shutdown waits for, until it ends.</summary>
    private void Track(Task work)
    {
        if (work.IsCompleted)
        {
            return;
        }

        _inFlight.TryAdd(work, true);
        _ = work.ContinueWith(done => _inFlight.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DeliverAsync(LeasedDelivery delivery)
    {
        AttemptResult? result;
        try
        {
            result = await AttemptAsync(delivery).ConfigureAwait(false);
        }
        finally
        {
            // The slot bounds requests, not bookkeeping: the next attempt can start while this one is recorded.
            ExitEndpoint(delivery.EndpointId);
            FreeSlots(1);
            _signal.Notify();
        }

        if (result is null)
        {
            return;
        }

        Report(delivery, result);
        try
        {
            await _completions.AddAsync(result, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.CompleteFailed(e, delivery.MessageId, delivery.EndpointId);
            return;
        }

        if (result.NextAttemptAt is { } retryAt)
        {
            _looks.Add(retryAt);
            _signal.Notify(); // The dispatcher may be asleep until later than that.
        }
    }

    /// <summary>Sends one attempt and judges it; <see langword="null"/> when shutdown cancelled it (it is released, not recorded).</summary>
    private async Task<AttemptResult?> AttemptAsync(LeasedDelivery delivery)
    {
        using var activity = StartActivity(delivery);
        SendOutcome outcome;
        try
        {
            outcome = await _sender.SendAsync(delivery, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception) when (_abort.IsCancellationRequested)
        {
            _aborted.Enqueue(delivery.Id);
            return null;
        }

        var result = Judge(delivery, outcome);
        activity?.SetTag("http.response.status_code", outcome.StatusCode);
        activity?.SetTag("hookline.outcome", OutcomeName(result.Status));
        if (result.Status != DeliveryStatus.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ErrorType(result));
        }

        return result;
    }

    private AttemptResult Judge(LeasedDelivery delivery, SendOutcome outcome)
    {
        var now = _time.GetUtcNow();
        var decision = _policy.Decide(delivery.Attempts + 1, outcome.ToAttemptOutcome(), now, Random.Shared.NextDouble());
        var failingSince = delivery.FailingSince ?? outcome.StartedAt;
        var disable = decision.Action switch
        {
            RetryAction.Succeeded => null,
            RetryAction.EndpointGone => "It answered 410 Gone.",
            _ when _policy.ShouldDisableEndpoint(failingSince, now) => $"Every delivery to it has failed since {failingSince:O}.",
            _ => null,
        };
        var status = decision.Action switch
        {
            RetryAction.Succeeded => DeliveryStatus.Succeeded,
            RetryAction.Retry when disable is null => DeliveryStatus.Pending,
            _ => DeliveryStatus.Failed,
        };
        return new AttemptResult
        {
            DeliveryId = delivery.Id,
            EndpointId = delivery.EndpointId,
            LeaseOwner = _owner,
            StartedAt = outcome.StartedAt,
            Duration = outcome.Duration,
            StatusCode = outcome.StatusCode,
            ResponseBody = outcome.ResponseBody,
            ErrorKind = outcome.ErrorKind,
            Error = outcome.Error,
            Status = status,
            NextAttemptAt = status == DeliveryStatus.Pending ? decision.NextAttemptAt : null,
            DisableEndpointReason = disable,
        };
    }

    private void Report(LeasedDelivery delivery, AttemptResult result)
    {
        var attempt = delivery.Attempts + 1;
        _metrics.RecordAttempt(delivery.Webhook, OutcomeName(result.Status), ErrorType(result), result.Duration);
        switch (result.Status)
        {
            case DeliveryStatus.Succeeded:
                _logger.Delivered(delivery.MessageId, delivery.Webhook, delivery.EndpointId, result.StatusCode, result.Duration.TotalMilliseconds);
                break;
            case DeliveryStatus.Pending:
                _logger.WillRetry(attempt, delivery.MessageId, delivery.Webhook, delivery.EndpointId, result.ErrorKind, result.StatusCode, result.Error, result.NextAttemptAt!.Value);
                break;
            default:
                _logger.GaveUp(attempt, delivery.MessageId, delivery.Webhook, delivery.EndpointId, result.ErrorKind, result.StatusCode, result.Error);
                break;
        }

        if (result.DisableEndpointReason is { } reason)
        {
            _logger.EndpointDisabled(delivery.EndpointId, reason);
        }
    }

    private static Activity? StartActivity(LeasedDelivery delivery)
    {
        var activity = WebhookDiagnostics.ActivitySource.StartActivity($"webhook {delivery.Webhook}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("hookline.webhook", delivery.Webhook);
            activity.SetTag("hookline.message_id", delivery.MessageId);
            activity.SetTag("hookline.endpoint_id", delivery.EndpointId);
            activity.SetTag("hookline.attempt", delivery.Attempts + 1);
            activity.SetTag("http.request.method", delivery.Method);
        }

        return activity;
    }

    private static string OutcomeName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Succeeded => "succeeded",
        DeliveryStatus.Pending => "retrying",
        _ => "failed",
    };

    private static string? ErrorType(AttemptResult result) => result.ErrorKind switch
    {
        AttemptErrorKind.None => null,
        AttemptErrorKind.HttpStatus => result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        var kind => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Lets a delivery start (<see langword="null"/>) if its endpoint has a free slot and, when it has a
    /// rate limit, its next send is due; otherwise says when to lease it again.
    /// </summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="now">The time of the lease.</param>
    /// <param name="waiting">How many of this batch already wait: each waits a step longer, so they come back spread out.</param>
    private DateTimeOffset? Admit(LeasedDelivery delivery, DateTimeOffset now, int waiting)
    {
        lock (_perEndpoint)
        {
            var running = _perEndpoint.GetValueOrDefault(delivery.EndpointId);
            if (running >= _options.MaxConcurrencyPerEndpoint)
            {
                return now + s_busyEndpointDelay;
            }

            if (delivery.RateLimit is { } rate)
            {
                // One send every 1/rate seconds (on this instance), no bursts.
                var interval = TimeSpan.FromSeconds(1.0 / rate);
                var next = _nextSend.GetValueOrDefault(delivery.EndpointId, now);
                if (next > now)
                {
                    return next + (waiting * interval);
                }

                _nextSend[delivery.EndpointId] = now + interval;
            }

            _perEndpoint[delivery.EndpointId] = running + 1;
            return null;
        }
    }

    private void ExitEndpoint(string endpointId)
    {
        lock (_perEndpoint)
        {
            if (--_perEndpoint[endpointId] == 0)
            {
                _perEndpoint.Remove(endpointId);
            }
        }
    }

    private async Task ReleaseAbortedAsync()
    {
        var now = _time.GetUtcNow();
        if (_aborted.ToArray() is { Length: > 0 } ids && await ReleaseAsync([.. ids.Select(id => new ReleasedDelivery(id, now))]).ConfigureAwait(false))
        {
            _logger.Released(ids.Length);
        }
    }

    private async Task<bool> ReleaseAsync(IReadOnlyList<ReleasedDelivery> deliveries)
    {
        try
        {
            await _store.ReleaseAsync(_owner, deliveries, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            _logger.ReleaseFailed(e, deliveries.Count);
            return false;
        }
    }
}
