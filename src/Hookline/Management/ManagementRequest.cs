using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hookline.Management;

/// <summary>
/// The caller's tenant, and request bodies read strictly: declared as JSON, within the size limit, of the right shape, with no unknown
/// or repeated properties and names matched exactly (a lenient reader would let <c>{"url":a,"URL":b}</c> mean whichever came last).
/// </summary>
internal static class ManagementRequest
{
    private static readonly object s_tenantKey = new();

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = false,
        NumberHandling = JsonNumberHandling.Strict, // The web defaults read "5" as 5: the document says numbers, so numbers only.
    };

    /// <summary>An endpoint filter for the whole API: finds the caller's tenant, or refuses the call.</summary>
    public static async ValueTask<object?> ResolveTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (WebhookManagementCsrf.Refuse(http.Request) is { } forgery)
        {
            return forgery;
        }

        var caller = http.Features.Get<WebhookManagementCaller>();
        var options = http.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value.Management;
        var tenant = caller?.Tenant ?? (options.TenantResolver is { } resolve
            ? await resolve(http).ConfigureAwait(false)
            : http.User.FindFirst(options.TenantClaim)?.Value);
        if (string.IsNullOrEmpty(tenant))
        {
            var authenticated = http.User.Identity?.IsAuthenticated == true;
            return TypedResults.Problem(
                statusCode: authenticated ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized,
                detail: authenticated
                    ? "Your account belongs to no tenant, so it has no webhooks to manage."
                    : "Sign in to manage your webhooks.");
        }

        if (caller is { ReadOnly: true } && ReadOnlyRefusal(http) is { } readOnly)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Read-only.", detail: readOnly);
        }

        http.Items[s_tenantKey] = tenant;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (ManagementProblem problem)
        {
            return problem.ToResult(http);
        }
    }

    public static string Tenant(HttpContext http) => http.Items[s_tenantKey] as string
        ?? throw new InvalidOperationException("This route is outside the webhook management API, which finds the caller's tenant.");

    /// <summary>
    /// What a read-only caller may not do, or null: change anything, or see a signing secret (with it, anyone could sign
    /// deliveries of their own).
    /// </summary>
    private static string? ReadOnlyRefusal(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            return "This dashboard session can read, not change.";
        }

        return http.GetEndpoint()?.Metadata.GetMetadata<RevealsSecretMetadata>() is null
            ? null
            : "This dashboard session can read, but not see signing secrets.";
    }

    /// <summary>
    /// Reads the JSON body as <typeparamref name="T"/>; an empty body is <paramref name="empty"/> when given, else refused.
    /// </summary>
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

        // Routing's Accepts check lets a request without a Content-Type through; a body is read only when it says it is JSON.
        if (!IsJson(request.ContentType))
        {
            throw new ManagementProblem(
                StatusCodes.Status415UnsupportedMediaType,
                "Content-Type",
                string.IsNullOrEmpty(request.ContentType)
                    ? "The body must be sent as application/json (UTF-8); this request has no Content-Type."
                    : $"The body must be sent as application/json (UTF-8), not '{request.ContentType}'.");
        }

        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw ManagementProblem.BadRequest(
                "body", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        using (document)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(json.Span, s_json)
                    ?? throw ManagementProblem.BadRequest("body", "The body must be a JSON object, not null.");
            }
            catch (JsonException e)
            {
                var field = Field(e.Path);
                throw ManagementProblem.BadRequest(
                    field, field == "body" ? "The body must be a JSON object." : Explain<T>(document.RootElement, field));
            }
        }
    }

    /// <summary><c>application/json</c>, in UTF-8 (the only charset JSON has).</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Value is not { Length: > 0 } charset
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Why the serializer refused <paramref name="field"/>: repeated, not a property (names are case-sensitive), or of the wrong type.
    /// </summary>
    private static string Explain<T>(JsonElement root, string field)
    {
        if (root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Count(p => p.NameEquals(field)) > 1)
        {
            return $"'{field}' appears more than once.";
        }

        var properties = s_json.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToList();
        return properties.Contains(field, StringComparer.Ordinal)
            ? $"'{field}' is not of the type the schema gives."
            : $"'{field}' is not a property of this request; its properties are {string.Join(", ", properties)} "
              + "(names are case-sensitive).";
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
