using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hookline.Receiving;

/// <summary>
/// The key sets fetched from the senders' <see cref="WebhookReceivingOptions.PublicKeysUrl"/>, one per URL: fetched when first
/// needed, again when older than the sender's refresh interval, and again after a <c>v1a</c> signature matched none of their
/// keys (the sender may have a new key), but never within <see cref="MinRefreshInterval"/> of the last try, so that forged
/// requests cannot make the app fetch on every request. One fetch at a time per URL; a failed fetch keeps the keys fetched
/// before.
/// </summary>
internal sealed partial class WebhookPublicKeySets(IHttpClientFactory http, TimeProvider time, ILogger<WebhookPublicKeySets> logger)
{
    /// <summary>The shortest time between two fetches of one URL.</summary>
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>The largest key set read, in bytes (64 KiB): hundreds of keys.</summary>
    public const int MaxKeySetBytes = 64 * 1024;

    private readonly ConcurrentDictionary<Uri, KeySet> _sets = new();

    /// <summary>
    /// The keys of the set at <paramref name="url"/>, fetched first when there are none yet or they are older than
    /// <paramref name="refreshInterval"/> (unless a fetch was tried within <see cref="MinRefreshInterval"/>).
    /// </summary>
    public ValueTask<WebhookPublicKeySet> GetAsync(Uri url, TimeSpan refreshInterval, CancellationToken cancellation)
    {
        var set = _sets.GetOrAdd(url, static _ => new KeySet());
        return set.IsDue(time.GetUtcNow(), refreshInterval)
            ? FetchIfDueAsync(set, url, refreshInterval, cancellation)
            : ValueTask.FromResult(set.Current);
    }

    /// <summary>
    /// After a <c>v1a</c> signature matched none of <paramref name="url"/>'s keys: the keys fetched again, unless a fetch was
    /// tried within <see cref="MinRefreshInterval"/>. The same instance as before when the keys did not change.
    /// </summary>
    public ValueTask<WebhookPublicKeySet> RefreshAsync(Uri url, CancellationToken cancellation) =>
        FetchIfDueAsync(_sets.GetOrAdd(url, static _ => new KeySet()), url, refreshInterval: null, cancellation);

    private async ValueTask<WebhookPublicKeySet> FetchIfDueAsync(
        KeySet set, Uri url, TimeSpan? refreshInterval, CancellationToken cancellation)
    {
        await set.Gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            // Again under the gate: the request that held it may have just fetched.
            var now = time.GetUtcNow();
            if (!set.IsDue(now, refreshInterval))
            {
                return set.Current;
            }

            var shown = url.GetLeftPart(UriPartial.Path);
            try
            {
                var keys = await FetchAsync(url, cancellation).ConfigureAwait(false);
                if (!keys.SequenceEqual(set.Current.Keys))
                {
                    set.Current = new WebhookPublicKeySet(keys);
                }

                set.FetchedAt = now;
                LogFetched(logger, shown, keys.Count);
            }
            catch (Exception error) when (
                error is HttpRequestException or IOException or FormatException
                || (error is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                LogFetchFailed(logger, shown, set.Current.Keys.Count, error.Message);
            }

            set.LastAttempt = now;
            return set.Current;
        }
        finally
        {
            set.Gate.Release();
        }
    }

    private async Task<IReadOnlyList<WebhookPublicKey>> FetchAsync(Uri url, CancellationToken cancellation)
    {
        var client = http.CreateClient(WebhookReceivingOptions.PublicKeysHttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"it answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        if (response.Content.Headers.ContentLength > MaxKeySetBytes)
        {
            throw new FormatException("the key set is over 64 KiB.");
        }

        var buffer = new byte[MaxKeySetBytes + 1];
        var length = 0;
        var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int read;
            while (length < buffer.Length
                && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
        }

        if (length > MaxKeySetBytes)
        {
            throw new FormatException("the key set is over 64 KiB.");
        }

        var keys = WebhookJsonWebKeySet.Parse(buffer.AsSpan(0, length));
        return keys.Count > 0 ? keys : throw new FormatException("the key set has no Ed25519 signing key.");
    }

    /// <summary>What is known of one URL's set. Read without the gate; written under it.</summary>
    private sealed class KeySet
    {
        private long _fetchedAt;
        private long _lastAttempt;
        private WebhookPublicKeySet _current = WebhookPublicKeySet.Empty;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public WebhookPublicKeySet Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }

        public DateTimeOffset? FetchedAt
        {
            get => Read(ref _fetchedAt);
            set => Volatile.Write(ref _fetchedAt, value?.UtcTicks ?? 0);
        }

        public DateTimeOffset? LastAttempt
        {
            get => Read(ref _lastAttempt);
            set => Volatile.Write(ref _lastAttempt, value?.UtcTicks ?? 0);
        }

        /// <summary>
        /// Whether to fetch now: never within <see cref="MinRefreshInterval"/> of the last try; otherwise, with a refresh interval,
        /// when nothing was fetched yet or it is that old, and without one (after a failed verification), always.
        /// </summary>
        public bool IsDue(DateTimeOffset now, TimeSpan? refreshInterval)
        {
            if (LastAttempt is { } tried && now - tried < MinRefreshInterval)
            {
                return false;
            }

            return refreshInterval is not { } interval || FetchedAt is not { } fetched || now - fetched >= interval;
        }

        private static DateTimeOffset? Read(ref long ticks) =>
            Volatile.Read(ref ticks) is var value && value != 0 ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }
}
