using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace Hookline.Receiving;

/// <summary>
/// Remembers verified <c>webhook-id</c>s in <see cref="HybridCache"/> (shared by every instance that configures the same
/// distributed cache) until the request could no longer verify: its timestamp plus the tolerance, and at least the tolerance
/// from now. An id is claimed before its handler runs, marked handled when the handler succeeds and forgotten when it fails.
/// The entry holds its deadline, checked against the injected clock, so the cache's own clock does not matter.
/// Across instances the check and the claim are not one atomic step: two copies arriving at the same moment at two instances
/// may both run.
/// </summary>
internal sealed class WebhookReplayGuard(HybridCache cache, TimeProvider time)
{
    private const string KeyPrefix = "hookline-receiving:";

    // The ids whose handler runs on this instance: two copies here never both run, whatever the cache does with two callers.
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    /// <summary>Claims the id for this request unless a copy of it is running or was handled within the window.</summary>
    public async ValueTask<WebhookReplayClaim> ClaimAsync(
        string sender, string messageId, long timestamp, TimeSpan tolerance, CancellationToken cancellation)
    {
        var key = Key(sender, messageId);
        if (!_running.TryAdd(key, 0))
        {
            return WebhookReplayClaim.Running;
        }

        try
        {
            var claim = await ClaimInCacheAsync(key, timestamp, tolerance, cancellation).ConfigureAwait(false);
            if (claim != WebhookReplayClaim.Claimed)
            {
                _running.TryRemove(key, out _);
            }

            return claim;
        }
        catch
        {
            _running.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>Marks a claimed id handled, so that copies within the window are acknowledged without running again.</summary>
    public async ValueTask CompleteAsync(string sender, string messageId, long timestamp, TimeSpan tolerance)
    {
        var key = Key(sender, messageId);
        try
        {
            var (_, until, entry) = Window(timestamp, tolerance);
            await cache.SetAsync(key, until, entry).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets a claimed id whose handling failed, so that the sender's retry runs the handler.</summary>
    public async ValueTask ReleaseAsync(string sender, string messageId)
    {
        var key = Key(sender, messageId);
        try
        {
            await cache.RemoveAsync(key).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }

    // The entry is one number, which HybridCache stores without a serializer of ours: the Unix second until which the id
    // counts, negated while its handler runs.
    private async ValueTask<WebhookReplayClaim> ClaimInCacheAsync(
        string key, long timestamp, TimeSpan tolerance, CancellationToken cancellation)
    {
        var (now, until, entry) = Window(timestamp, tolerance);
        var created = false;
        var stored = await cache.GetOrCreateAsync(
            key,
            -until,
            (running, _) =>
            {
                created = true;
                return ValueTask.FromResult(running);
            },
            entry,
            cancellationToken: cancellation).ConfigureAwait(false);
        if (created)
        {
            return WebhookReplayClaim.Claimed;
        }

        if (Math.Abs(stored) > now)
        {
            return stored > 0 ? WebhookReplayClaim.Handled : WebhookReplayClaim.Running;
        }

        await cache.SetAsync(key, -until, entry, cancellationToken: cancellation).ConfigureAwait(false);
        return WebhookReplayClaim.Claimed;
    }

    // The cache keeps the entry a second past the deadline, so that the deadline is always judged by our clock.
    private (long Now, long Until, HybridCacheEntryOptions Entry) Window(long timestamp, TimeSpan tolerance)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var until = Math.Max(now, timestamp) + (long)Math.Ceiling(tolerance.TotalSeconds);
        var lifetime = TimeSpan.FromSeconds(until - now + 1);
        return (now, until, new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime });
    }

    // The id is the sender's text: hashed, so that any length and any characters make a valid key.
    private static string Key(string sender, string messageId) =>
        KeyPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sender + "\n" + messageId)));
}
