using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hookline.Management;

/// <summary>The caller's tenant, and request bodies read strictly: within the size limit, JSON of the right shape, no unknown properties.</summary>
internal static class ManagementRequest
{
    private static readonly object s_tenantKey = new();

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = false,
    };

    /// <summary>An endpoint filter for the whole API: finds the caller's tenant, or refuses the call.</summary>
    public static async ValueTask<object?> ResolveTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value.Management;
        var tenant = options.TenantResolver is { } resolve ? resolve(http) : http.User.FindFirst(options.TenantClaim)?.Value;
        if (string.IsNullOrEmpty(tenant))
        {
            var authenticated = http.User.Identity?.IsAuthenticated == true;
            return TypedResults.Problem(
                statusCode: authenticated ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized,
                detail: authenticated ? "Your account belongs to no tenant, so it has no webhooks to manage." : "Sign in to manage your webhooks.");
        }

        http.Items[s_tenantKey] = tenant;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (ManagementProblem problem)
        {
            return problem.ToResult();
        }
    }

    public static string Tenant(HttpContext http) => (string)http.Items[s_tenantKey]!;

    /// <summary>Reads the JSON body as <typeparamref name="T"/>; an empty body is <paramref name="empty"/> when given, else refused.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, T? empty = null)
        where T : class
    {
        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value.Management.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return empty ?? throw ManagementProblem.BadRequest("body", "The request needs a JSON body.");
        }

        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw ManagementProblem.BadRequest("body", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json.Span, s_json)
                ?? throw ManagementProblem.BadRequest("body", "The body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            var field = Field(e.Path);
            throw ManagementProblem.BadRequest(
                field,
                field == "body" ? "The body must be a JSON object." : $"'{field}' is not a property of this request, or its value is not of the type the schema gives.");
        }
    }

    /// <summary>A JSON path such as <c>$.eventTypes[0]</c> as the field it names: <c>eventTypes</c>.</summary>
    private static string Field(string? path)
    {
        var field = path?.TrimStart('$', '.') ?? "";
        var end = field.IndexOfAny(['.', '[']);
        field = end < 0 ? field : field[..end];
        return field.Length == 0 ? "body" : field;
    }

    private static ManagementProblem TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "body", $"The body is over the {limit:N0}-byte limit.");
}
