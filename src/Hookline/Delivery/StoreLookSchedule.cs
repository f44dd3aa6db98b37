namespace Hookline;

/// <summary>
/// When the dispatcher looks at the store again without being told to: a poll interval after it
/// last looked (deliveries made due by other instances, expired leases), or sooner, when a delivery
/// this instance put back (a retry, a busy or rate-limited endpoint's) comes due before that.
/// </summary>
internal sealed class StoreLookSchedule(TimeSpan pollInterval)
{
    private readonly PriorityQueue<DateTimeOffset, DateTimeOffset> _due = new();
    private DateTimeOffset _nextPoll;

    /// <summary>Notes a delivery due at <paramref name="dueAt"/>; one due after the next poll is found by the poll.</summary>
    public void Add(DateTimeOffset dueAt)
    {
        lock (_due)
        {
            if (dueAt < _nextPoll)
            {
                _due.Enqueue(dueAt, dueAt);
            }
        }
    }

    /// <summary>Whether it is time to look; called by the dispatcher before it looks.</summary>
    public bool IsDue(DateTimeOffset now)
    {
        lock (_due)
        {
            var due = now >= _nextPoll;
            while (_due.TryPeek(out _, out var at) && at <= now)
            {
                _due.Dequeue();
                due = true;
            }

            return due;
        }
    }

    /// <summary>Notes that the dispatcher looked at <paramref name="now"/>.</summary>
    public void Looked(DateTimeOffset now)
    {
        lock (_due)
        {
            _nextPoll = now + pollInterval;
        }
    }

    /// <summary>How long the dispatcher may sleep when nothing else wakes it.</summary>
    public TimeSpan Delay(DateTimeOffset now)
    {
        lock (_due)
        {
            var next = _due.TryPeek(out _, out var at) && at < _nextPoll ? at : _nextPoll;
            return next > now ? next - now : TimeSpan.Zero;
        }
    }
}
