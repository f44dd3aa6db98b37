using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// Documents the management API's members that hold any JSON value (an event type's schema and example, a message's payload) as
/// the plain reference to the empty schema they are. ASP.NET Core wraps a nullable one in <c>oneOf: [{"type": "null"}, {"$ref"}]</c>;
/// but the empty schema already holds null, so a null example matches both choices and fails the <c>oneOf</c>, and Kiota makes
/// the choice an object type, which the example of a webhook whose payload is not an object (a string, an array) does not fit.
/// </summary>
internal sealed class AnyJsonSchemaTransformer : IOpenApiSchemaTransformer
{
    /// <summary>
    /// ASP.NET Core's mark on a nullable property whose schema is a reference, from which it makes the <c>oneOf</c>
    /// (OpenApiConstants.NullableProperty, internal to Microsoft.AspNetCore.OpenApi; ManagementDocumentTests notices a change).
    /// </summary>
    private const string NullablePropertyMark = "x-is-nullable-property";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property
            && property.DeclaringType.Assembly == typeof(AnyJsonSchemaTransformer).Assembly
            && (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is var type
            && (type == typeof(JsonNode) || type == typeof(JsonElement)))
        {
            schema.Metadata?.Remove(NullablePropertyMark);
        }

        return Task.CompletedTask;
    }
}
