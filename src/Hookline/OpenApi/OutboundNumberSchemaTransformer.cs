using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// Describes numbers in webhook payloads as the sender writes them, and in the management API as it reads and writes them.
/// ASP.NET Core's JSON options read numbers from strings too, so its schemas allow <c>["number","string"]</c> plus a pattern;
/// Hookline never writes a number as a string (unless <c>WriteAsString</c> says so), and the management API reads numbers only,
/// so their numbers are plain <c>number</c>/<c>integer</c>. So is a problem's <c>status</c>: ASP.NET Core writes problems (the
/// management API answers with them) and never reads them, and a client generated from <c>integer | string</c> makes every
/// caller handle a string that never comes. A payload's <c>decimal</c> is documented with the format <c>decimal</c> (of the
/// OpenAPI format registry), not <c>double</c>, so that generated receivers keep it exact. The app's own endpoints' schemas are
/// left alone.
/// </summary>
internal sealed class OutboundNumberSchemaTransformer(WebhookCatalog catalog) : IOpenApiSchemaTransformer
{
    private static readonly AsyncLocal<bool> s_generatingPayload = new();

    /// <summary>Marks the schemas generated until the scope is disposed as webhook payload schemas.</summary>
    public static PayloadScope BeginPayload()
    {
        s_generatingPayload.Value = true;
        return default;
    }

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        const JsonSchemaType Numeric = JsonSchemaType.Number | JsonSchemaType.Integer;
        var payload = s_generatingPayload.Value;
        if (!payload && !HasPlainNumbers(context.JsonPropertyInfo?.DeclaringType))
        {
            return Task.CompletedTask; // Neither a payload nor a member of the management API's own types or problems.
        }

        if (payload && (Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type) == typeof(decimal))
        {
            schema.Format = "decimal";
        }

        if (schema.Type is { } type && (type & Numeric) != 0 && (type & JsonSchemaType.String) != 0
            && schema.Pattern is not null)
        {
            var handling = context.JsonPropertyInfo?.NumberHandling
                ?? context.JsonTypeInfo.NumberHandling
                ?? (payload ? catalog.SerializerOptions : context.JsonTypeInfo.Options).NumberHandling;
            if ((handling & JsonNumberHandling.WriteAsString) == 0)
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The management API's own types (it reads and writes numbers only), and problems (only ever written).</summary>
    private static bool HasPlainNumbers(Type? declaringType) =>
        declaringType is not null
        && (declaringType.Assembly == typeof(OutboundNumberSchemaTransformer).Assembly
            || typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(declaringType));

    public readonly struct PayloadScope : IDisposable
    {
        public void Dispose() => s_generatingPayload.Value = false;
    }
}
