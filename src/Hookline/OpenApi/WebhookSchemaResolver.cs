using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// Turns a schema generated inline by ASP.NET Core (nested types expanded) into references to
/// <c>components/schemas</c>, under the same ids ASP.NET Core gives the app's own endpoints, so a
/// type shared by an endpoint and a webhook is one component.
/// </summary>
/// <remarks>
/// A shared component takes the webhook's (outbound) shape: it differs from the endpoint's only in
/// numbers, which it describes as numbers, the way clients should send them anyway.
/// </remarks>
internal sealed class WebhookSchemaResolver(OpenApiDocument document)
{
    // Keys ASP.NET Core's schema service leaves in OpenApiSchema.Metadata (never serialized).
    private const string SchemaIdKey = "x-schema-id";
    private const string NullablePropertyKey = "x-is-nullable-property";

    private readonly HashSet<string> _resolved = new(StringComparer.Ordinal);

    public IOpenApiSchema Resolve(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return schema;
        }

        var id = GetMetadata(concrete, SchemaIdKey) as string;
        if (string.IsNullOrEmpty(id))
        {
            ResolveChildren(concrete);
            return concrete;
        }

        // The first occurrence of an id is its full definition; later ones (recursion) become references.
        if (_resolved.Add(id))
        {
            ResolveChildren(concrete);
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            document.Components.Schemas[id] = concrete;
        }

        var reference = new OpenApiSchemaReference(id, document);
        return GetMetadata(concrete, NullablePropertyKey) is true
            ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference] }
            : reference;
    }

    private static object? GetMetadata(OpenApiSchema schema, string key) =>
        schema.Metadata is { } metadata && metadata.TryGetValue(key, out var value) ? value : null;

    private void ResolveChildren(OpenApiSchema schema)
    {
        if (schema.Properties is { } properties)
        {
            foreach (var key in properties.Keys.ToList())
            {
                properties[key] = Resolve(properties[key]);
            }
        }

        schema.Items = schema.Items is null ? null : Resolve(schema.Items);
        schema.AdditionalProperties = schema.AdditionalProperties is null ? null : Resolve(schema.AdditionalProperties);
        schema.Not = schema.Not is null ? null : Resolve(schema.Not);
        ResolveAll(schema.AllOf);
        ResolveAll(schema.AnyOf);
        ResolveAll(schema.OneOf);
    }

    private void ResolveAll(IList<IOpenApiSchema>? schemas)
    {
        for (var i = 0; schemas is not null && i < schemas.Count; i++)
        {
            schemas[i] = Resolve(schemas[i]);
        }
    }
}
