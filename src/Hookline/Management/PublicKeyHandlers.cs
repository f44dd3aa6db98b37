using Microsoft.AspNetCore.Http;

namespace Hookline.Management;

/// <summary>
/// An endpoint's public keys as a JSON Web Key Set, for its receiver to fetch and cache. Served without a caller: public keys
/// verify and cannot sign, and a receiver should need no credential of the management API. An endpoint's id names it
/// without naming its tenant, and is not guessed (80 random bits).
/// </summary>
internal static class PublicKeyHandlers
{
    /// <summary>How long a receiver, or a cache on the way, may keep the set: a new key is published before it signs alone.</summary>
    public const int MaxAgeSeconds = 300;

    public static async Task<IResult> GetKeySetAsync(
        HttpContext http, IWebhookEndpointManager manager, TimeProvider time, string endpointId)
    {
        try
        {
            var id = ManagementQuery.EndpointId(endpointId, "endpointId")!;
            var endpoint = await manager.GetAsync(id, http.RequestAborted).ConfigureAwait(false)
                ?? throw ManagementProblem.NotFound("endpointId", id);
            var now = time.GetUtcNow();
            var keys = endpoint.Secrets.Where(s => s.Scheme == WebhookSignatureScheme.V1a && s.IsActive(now))
                .Select(s => WebhookSigningKey.Parse(s.Value).PublicKey);
            http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
            return TypedResults.Text(WebhookJsonWebKeySet.Format(keys), "application/jwk-set+json");
        }
        catch (ManagementProblem problem)
        {
            return problem.ToResult(http);
        }
    }
}
