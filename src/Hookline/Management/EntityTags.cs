using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hookline.Management;

/// <summary>An endpoint's version as an HTTP entity tag: the <c>ETag</c> of answers, the <c>If-Match</c> of changes.</summary>
internal static class EntityTags
{
    public const string IfMatchField = "If-Match";

    /// <summary>The strong entity tag of a version, such as <c>"7"</c>.</summary>
    public static string Of(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void Set(HttpContext http, WebhookEndpoint endpoint) => http.Response.Headers.ETag = Of(endpoint.Version);

    /// <summary>
    /// The version the request's <c>If-Match</c> holds the change to: <see langword="null"/> without one or
    /// with <c>*</c>; <paramref name="current"/>'s version if one of its tags is current's (compared strongly,
    /// so weak tags never match). Otherwise the change is refused, 412; an unreadable header is 400.
    /// </summary>
    public static long? IfMatch(HttpContext http, WebhookEndpoint current)
    {
        var header = http.Request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count == 0)
        {
            throw ManagementProblem.BadRequest(
                IfMatchField, "If-Match is * or a list of entity tags such as \"7\": the ETag of the endpoint as you read it.");
        }

        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return null;
        }

        var etag = new EntityTagHeaderValue(Of(current.Version));
        return tags.Any(t => t.Compare(etag, useStrongComparison: true))
            ? current.Version
            : throw Stale(current.Id);
    }

    /// <summary>The 412 for a change whose If-Match no longer holds.</summary>
    public static ManagementProblem Stale(string endpointId) =>
        ManagementProblem.PreconditionFailed(
            IfMatchField,
            $"Endpoint '{endpointId}' changed since you read it, so If-Match does not match its ETag: read it again, then decide.");
}
