using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace Hookline.Receiving;

/// <summary>
/// Remembers verified <c>webhook-id</c>s in <see cref="HybridCache"/> (shared by every instance that configures the same
/// distributed cache) until the request could no longer verify: its timestamp plus the tolerance, and at least the tolerance
/// from now. The entry holds that deadline, checked against the injected clock, so the cache's own clock does not matter.
/// Across instances the check and the record are not one atomic step: two copies arriving at the same moment at two instances
/// may both pass.
/// </summary>
internal sealed class WebhookReplayGuard(HybridCache cache, TimeProvider time)
{
    private const string KeyPrefix = "hookline-receiving:";

    /// <summary>True, and the id recorded, when it was not accepted within the window; false when it is a replay.</summary>
    public async ValueTask<bool> TryAcceptAsync(
        string sender, string messageId, long timestamp, TimeSpan tolerance, CancellationToken cancellation)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var until = Math.Max(now, timestamp) + (long)Math.Ceiling(tolerance.TotalSeconds);
        var lifetime = TimeSpan.FromSeconds(until - now + 1);
        var entry = new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime };
        var key = Key(sender, messageId);
        var created = false;
        var stored = await cache.GetOrCreateAsync(
            key,
            until,
            (value, _) =>
            {
                created = true;
                return ValueTask.FromResult(value);
            },
            entry,
            cancellationToken: cancellation).ConfigureAwait(false);
        if (created)
        {
            return true;
        }

        if (stored > now)
        {
            return false;
        }

        await cache.SetAsync(key, until, entry, cancellationToken: cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>Forgets an id whose handling failed, so that the sender's retry is accepted.</summary>
    public ValueTask ForgetAsync(string sender, string messageId, CancellationToken cancellation) =>
        cache.RemoveAsync(Key(sender, messageId), cancellation);

    // The id is the sender's text: hashed, so that any length and any characters make a valid key.
    private static string Key(string sender, string messageId) =>
        KeyPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sender + "\n" + messageId)));
}
