using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// OpenAPI 3.0 has no <c>webhooks</c> field; this writes the same Path Items under <c>x-webhooks</c>,
/// which ReDoc renders, rather than dropping them.
/// </summary>
internal sealed class OpenApi30WebhooksExtension(IReadOnlyDictionary<string, OpenApiPathItem> webhooks) : IOpenApiExtension
{
    public const string Name = "x-webhooks";

    public void Write(IOpenApiWriter writer, OpenApiSpecVersion specVersion)
    {
        writer.WriteStartObject();
        foreach (var (name, pathItem) in webhooks)
        {
            writer.WritePropertyName(name);
            pathItem.SerializeAsV3(writer);
        }

        writer.WriteEndObject();
    }
}
