using System.Collections.Concurrent;
using System.Diagnostics;
using Hookline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Delivers due webhooks: fans committed messages out into deliveries, leases due deliveries from the store in batches
/// sized to its free slots (the store admits them within each endpoint's limits, shared by every instance), sends each
/// (bounded overall on this instance), applies the retry policy and records the attempts with its next lease, in the same
/// transaction. On shutdown it stops leasing, lets attempts in flight finish until the host's shutdown
/// timeout, then cancels the rest and gives them back to the store, due at once.
/// </summary>
internal sealed class WebhookDispatcher : BackgroundService
{
    private const int MaxLeaseBatch = 100;
    private const int MaxExpandBatch = 500;

    /// <summary>How long, at most, a lease waits for more busy slots to free up (real time: it only shapes batches).</summary>
    private static readonly TimeSpan LeaseBatchWait = TimeSpan.FromMilliseconds(2);

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly IWebhookDeliveryQueue _queue;
    private readonly WebhookSender _sender;
    private readonly DispatchSignal _signal;
    private readonly TimeProvider _time;
    private readonly WebhookMetrics _metrics;
    private readonly ILogger _logger;
    private readonly WebhookDeliveryOptions _options;
    private readonly RetryPolicy _policy;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentQueue<WebhookCompletedAttempt> _finished = new();
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly ConcurrentQueue<long> _aborted = new();
    private readonly Dictionary<string, int> _inFlightByTenant = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _abort = new();
    private readonly int _minLeaseBatch;
    private bool _toExpand;
    private bool _lastLeaseFull;
    private DateTimeOffset _lastExpand = DateTimeOffset.MinValue;

    public WebhookDispatcher(
        IWebhookDeliveryQueue queue,
        WebhookSender sender,
        DispatchSignal signal,
        TimeProvider time,
        WebhookMetrics metrics,
        IOptions<WebhookOptions> options,
        ILogger<WebhookDispatcher> logger)
    {
        _queue = queue;
        _sender = sender;
        _signal = signal;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _options = options.Value.Delivery;
        _policy = new RetryPolicy(_options);
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _minLeaseBatch = Math.Max(1, _options.MaxConcurrency / 4);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Leasing stops now; attempts in flight run on until the host's shutdown timeout, then are cancelled and released.
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
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await LeaseAndStartAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(_inFlight.Keys).ConfigureAwait(false);
        await RecordAsync(TakeFinished()).ConfigureAwait(false);
        await ReleaseAbortedAsync().ConfigureAwait(false);
    }

    private async Task LeaseAndStartAsync(CancellationToken stoppingToken)
    {
        var free = await TakeSlotsAsync(stoppingToken).ConfigureAwait(false);
        _signal.Reset();
        var now = _time.GetUtcNow();
        _toExpand |= _signal.TakeMessages() || now - _lastExpand >= _options.PollInterval;
        if (_toExpand && !_lastLeaseFull)
        {
            // Expanded when messages were appended here or announced by another instance, and at least every poll interval
            // (publishes in an app's transaction, instances that cannot announce), not on every finished attempt; and only
            // once the deliveries already due are leased, so a large backlog is expanded as it is sent, not all at once.
            _lastExpand = now;
            _toExpand = await ExpandAsync(stoppingToken).ConfigureAwait(false);
            now = _time.GetUtcNow();
        }

        // Taken after the slots: an attempt queues its result before it frees its slot, so each slot this lease fills again
        // comes with its last attempt, recorded in the lease's transaction.
        var finished = TakeFinished();
        WebhookLeaseResult leased;
        try
        {
            var request = new WebhookLeaseRequest(_owner, now, now + (2 * _options.Timeout), free)
            {
                MaxPerEndpoint = _options.MaxConcurrencyPerEndpoint,
                MaxPerTenant = _options.MaxConcurrencyPerTenant ?? _options.MaxConcurrency,
                InFlight = InFlightByTenant(),
                CircuitBreaker = _options.CircuitBreaker,
                Completed = finished,
            };
            leased = await _queue.LeaseAsync(request, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _slots.Release(free);
            await RecordAsync(finished).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                throw;
            }

            _logger.LeaseFailed(e, _options.PollInterval);
            await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
            return;
        }

        foreach (var delivery in leased)
        {
            Start(delivery);
        }

        if (free > leased.Count)
        {
            _slots.Release(free - leased.Count);
        }

        _lastLeaseFull = leased.Count == free;
        if (!_toExpand && leased.Count < free)
        {
            // Nothing more is due now: sleep until a publish, a finished attempt, the next pending delivery is due (one held
            // back for a busy or rate-limited endpoint, a retry), or the poll interval, whichever comes first.
            var sleep = leased.NextDueAt is { } nextDueAt
                ? TimeSpan.FromTicks(Math.Clamp((nextDueAt - now).Ticks, 0, _options.PollInterval.Ticks))
                : _options.PollInterval;
            await _signal.WaitAsync(sleep, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for a free slot and takes every free one, up to a lease batch. While most slots are busy it waits a moment
    /// longer for <see cref="_minLeaseBatch"/> of them: under load attempts end one by one, and a lease per ended attempt
    /// would pay a store transaction per delivery.
    /// </summary>
    private async Task<int> TakeSlotsAsync(CancellationToken stoppingToken)
    {
        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        var free = 1 + TakeFreeSlots(MaxLeaseBatch - 1);
        var started = Stopwatch.GetTimestamp();
        while (free < _minLeaseBatch)
        {
            var left = LeaseBatchWait - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || !await _slots.WaitAsync(left, stoppingToken).ConfigureAwait(false))
            {
                break;
            }

            free += 1 + TakeFreeSlots(MaxLeaseBatch - free - 1);
        }

        return free;
    }

    private int TakeFreeSlots(int max)
    {
        var taken = 0;
        while (taken < max && _slots.Wait(0))
        {
            taken++;
        }

        return taken;
    }

    /// <summary>
    /// Fans a batch of committed messages not yet expanded out into their deliveries, before leasing. One batch a round, so
    /// a large burst of publishes is delivered while it is still being expanded.
    /// </summary>
    /// <returns>Whether more messages may wait to be expanded.</returns>
    private async Task<bool> ExpandAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await _queue.ExpandAsync(_time.GetUtcNow(), MaxExpandBatch, stoppingToken).ConfigureAwait(false) == MaxExpandBatch;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Deliveries already expanded are still leased; these messages are expanded at the next wake-up or poll.
            _logger.ExpandFailed(e);
            return false;
        }
    }

    /// <summary>How many deliveries this dispatcher is attempting now, per tenant.</summary>
    private Dictionary<string, int> InFlightByTenant()
    {
        lock (_inFlightByTenant)
        {
            return new Dictionary<string, int>(_inFlightByTenant, StringComparer.Ordinal);
        }
    }

    private void CountInFlight(WebhookLeasedDelivery delivery, int change)
    {
        var tenant = delivery.Tenant ?? string.Empty;
        lock (_inFlightByTenant)
        {
            var count = _inFlightByTenant.GetValueOrDefault(tenant) + change;
            if (count == 0)
            {
                _inFlightByTenant.Remove(tenant);
            }
            else
            {
                _inFlightByTenant[tenant] = count;
            }
        }

        _metrics.RecordInFlight(delivery.Tenant, change);
    }

    private void Start(WebhookLeasedDelivery delivery)
    {
        CountInFlight(delivery, 1);
        var attempt = DeliverAsync(delivery);
        _inFlight.TryAdd(attempt, true);
        _ = attempt.ContinueWith(
            done => _inFlight.TryRemove(done, out _),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task DeliverAsync(WebhookLeasedDelivery delivery)
    {
        try
        {
            if (await AttemptAsync(delivery).ConfigureAwait(false) is { } result)
            {
                Report(delivery, result);
                _finished.Enqueue(result); // Recorded by the next lease, which this slot wakes.
            }
        }
        finally
        {
            CountInFlight(delivery, -1);
            _slots.Release();
            _signal.SlotFreed();
        }
    }

    private List<WebhookCompletedAttempt> TakeFinished()
    {
        var finished = new List<WebhookCompletedAttempt>();
        while (_finished.TryDequeue(out var result))
        {
            finished.Add(result);
        }

        return finished;
    }

    /// <summary>
    /// Records attempts on their own: those a failed lease did not record, and the last ones at shutdown. When the batch fails,
    /// each is recorded alone, so that one the store refuses is set aside (logged, and sent again when its lease ends) without
    /// taking the rest of its batch with it.
    /// </summary>
    private async Task RecordAsync(List<WebhookCompletedAttempt> results)
    {
        if (results.Count == 0 || await TryCompleteAsync(results).ConfigureAwait(false) is not { } error)
        {
            return;
        }

        if (results.Count > 1)
        {
            foreach (var result in results)
            {
                if (await TryCompleteAsync([result]).ConfigureAwait(false) is { } alone)
                {
                    _logger.AttemptNotRecorded(alone, result.DeliveryId, result.EndpointId);
                }
            }

            return;
        }

        _logger.AttemptNotRecorded(error, results[0].DeliveryId, results[0].EndpointId);
    }

    /// <summary>Records <paramref name="results"/> in one batch: the store's error if it failed.</summary>
    private async Task<Exception?> TryCompleteAsync(IReadOnlyList<WebhookCompletedAttempt> results)
    {
        try
        {
            await _queue.CompleteAsync(results, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>
    /// Sends one attempt and judges it; <see langword="null"/> when shutdown cancelled it (it is released, not recorded).
    /// </summary>
    private async Task<WebhookCompletedAttempt?> AttemptAsync(WebhookLeasedDelivery delivery)
    {
        using var activity = StartActivity(delivery);
        AttemptOutcome outcome;
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
        if (result.Status != WebhookDeliveryStatus.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ErrorType(result));
        }

        return result;
    }

    private WebhookCompletedAttempt Judge(WebhookLeasedDelivery delivery, AttemptOutcome outcome)
    {
        var now = _time.GetUtcNow();
        var decision = _policy.Decide(delivery.Attempts + 1, outcome.StatusCode, outcome.RetryAfter, now, Random.Shared.NextDouble());
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
            RetryAction.Succeeded => WebhookDeliveryStatus.Succeeded,
            RetryAction.Retry when disable is null => WebhookDeliveryStatus.Pending,
            // Given up on: at an ordered endpoint it holds back the later deliveries of its key, unless disabling fails them all.
            _ when disable is null && delivery.Ordering == WebhookOrdering.Ordered => WebhookDeliveryStatus.Blocked,
            _ => WebhookDeliveryStatus.Failed,
        };
        return new WebhookCompletedAttempt
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
            NextAttemptAt = status == WebhookDeliveryStatus.Pending ? decision.NextAttemptAt : null,
            DisableEndpointReason = disable,
        };
    }

    private void Report(WebhookLeasedDelivery delivery, WebhookCompletedAttempt result)
    {
        var attempt = delivery.Attempts + 1;
        _metrics.RecordAttempt(delivery.EventType, OutcomeName(result.Status), ErrorType(result), result.Duration);
        switch (result.Status)
        {
            case WebhookDeliveryStatus.Succeeded:
                _logger.Delivered(
                    delivery.MessageId, delivery.EventType, delivery.EndpointId, result.StatusCode, result.Duration.TotalMilliseconds);
                break;
            case WebhookDeliveryStatus.Pending:
                _logger.WillRetry(
                    attempt,
                    delivery.MessageId,
                    delivery.EventType,
                    delivery.EndpointId,
                    result.ErrorKind,
                    result.StatusCode,
                    result.Error,
                    result.NextAttemptAt!.Value);
                break;
            default:
                _logger.GaveUp(
                    attempt,
                    delivery.MessageId,
                    delivery.EventType,
                    delivery.EndpointId,
                    result.ErrorKind,
                    result.StatusCode,
                    result.Error);
                break;
        }

        if (result.DisableEndpointReason is { } reason)
        {
            _logger.EndpointDisabled(delivery.EndpointId, reason);
        }
    }

    private static Activity? StartActivity(WebhookLeasedDelivery delivery)
    {
        var activity = WebhookDiagnostics.ActivitySource.StartActivity($"webhook {delivery.EventType}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("hookline.webhook", delivery.EventType);
            activity.SetTag("hookline.message_id", delivery.MessageId);
            activity.SetTag("hookline.endpoint_id", delivery.EndpointId);
            activity.SetTag("hookline.attempt", delivery.Attempts + 1);
            activity.SetTag("http.request.method", delivery.Method);
        }

        return activity;
    }

    private static string OutcomeName(WebhookDeliveryStatus status) => status switch
    {
        WebhookDeliveryStatus.Succeeded => "succeeded",
        WebhookDeliveryStatus.Pending => "retrying",
        _ => "failed",
    };

    private static string? ErrorType(WebhookCompletedAttempt result) => result.ErrorKind switch
    {
        WebhookAttemptErrorKind.None => null,
        WebhookAttemptErrorKind.HttpStatus => result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        var kind => kind.ToString().ToLowerInvariant(),
    };

    private async Task ReleaseAbortedAsync()
    {
        var now = _time.GetUtcNow();
        if (_aborted.ToArray() is { Length: > 0 } ids
            && await ReleaseAsync([.. ids.Select(id => new WebhookReleasedDelivery(id, now))]).ConfigureAwait(false))
        {
            _logger.Released(ids.Length);
        }
    }

    private async Task<bool> ReleaseAsync(IReadOnlyList<WebhookReleasedDelivery> deliveries)
    {
        try
        {
            await _queue.ReleaseAsync(_owner, deliveries, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            _logger.ReleaseFailed(e, deliveries.Count);
            return false;
        }
    }
}
