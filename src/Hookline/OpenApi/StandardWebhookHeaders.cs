using Microsoft.OpenApi;

namespace Hookline;

/// <summary>The Standard Webhooks headers every delivery carries, as reusable header parameters.</summary>
internal static class StandardWebhookHeaders
{
    private static readonly (string Name, string Description, JsonSchemaType Type, string? Format)[] s_headers =
    [
        (WebhookHeaders.Id,
            "The message id (`msg_...`). It is the same on every retry of a message: use it to drop duplicates.",
            JsonSchemaType.String,
            null),
        (WebhookHeaders.Timestamp,
            "When this attempt was sent, in seconds since the Unix epoch. Reject timestamps too far from your clock to stop replays.",
            JsonSchemaType.Integer,
            "int64"),
        (WebhookHeaders.Signature,
            "Space-separated signatures of `{webhook-id}.{webhook-timestamp}.{body}` (Standard Webhooks), as the endpoint signs: "
            + "`v1,<base64>`, an HMAC-SHA256 keyed with one of its `whsec_` secrets, and `v1a,<base64>`, an Ed25519 signature that one "
            + "of its `whpk_` public keys verifies. Accept the request if any signature matches.", JsonSchemaType.String, null),
    ];

    /// <summary>Adds the parameters to <c>components/parameters</c> (once) and returns references to them.</summary>
    public static List<IOpenApiParameter> AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Parameters ??= new Dictionary<string, IOpenApiParameter>(StringComparer.Ordinal);
        var references = new List<IOpenApiParameter>();
        foreach (var (name, description, type, format) in s_headers)
        {
            document.Components.Parameters.TryAdd(name, new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = true,
                Description = description,
                Schema = new OpenApiSchema { Type = type, Format = format },
            });
            references.Add(new OpenApiParameterReference(name, document));
        }

        return references;
    }
}
