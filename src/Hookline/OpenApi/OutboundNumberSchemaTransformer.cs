using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// Describes numbers in webhook payloads as the sender writes them. ASP.NET Core's JSON options
/// read numbers from strings too, so its schemas allow <c>["number","string"]</c> plus a pattern;
/// Hookline never writes a number as a string (unless <c>WriteAsString</c> says so), so a payload's
/// numbers are plain <c>number</c>/<c>integer</c>. A <c>decimal</c> is documented with the format <c>decimal</c> (of the OpenAPI
/// format registry), not <c>double</c>, so that generated receivers keep it exact. Endpoint schemas outside a payload are left alone.
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
        if (!s_generatingPayload.Value)
        {
            return Task.CompletedTask;
        }

        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type) == typeof(decimal))
        {
            schema.Format = "decimal";
        }

        if (schema.Type is { } type && (type & Numeric) != 0 && (type & JsonSchemaType.String) != 0
            && schema.Pattern is not null)
        {
            var handling = context.JsonPropertyInfo?.NumberHandling
                ?? context.JsonTypeInfo.NumberHandling
                ?? catalog.SerializerOptions.NumberHandling;
            if ((handling & JsonNumberHandling.WriteAsString) == 0)
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
        }

        return Task.CompletedTask;
    }

    public readonly struct PayloadScope : IDisposable
    {
        public void Dispose() => s_generatingPayload.Value = false;
    }
}
