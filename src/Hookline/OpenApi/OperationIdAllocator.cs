using Microsoft.OpenApi;

namespace Hookline;

/// <summary>Gives each webhook operation an id unique across the document's paths and webhooks.</summary>
internal sealed class OperationIdAllocator
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public OperationIdAllocator(OpenApiDocument document, string documentName, IEnumerable<WebhookDefinition> webhooks)
    {
        var pathOperations = (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>())
            .SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>());
        foreach (var id in pathOperations.Select(o => o.OperationId).OfType<string>())
        {
            _taken.Add(id);
        }

        foreach (var webhook in webhooks.Where(w => w.ExplicitOperationId is not null))
        {
            if (!_taken.Add(webhook.ExplicitOperationId!))
            {
                throw new InvalidOperationException(
                    $"Webhook '{webhook.Name}' ({webhook.Method}) uses the operation id '{webhook.ExplicitOperationId}' (WithName), "
                    + $"which an endpoint in OpenAPI document '{documentName}' already uses. "
                    + "Operation ids must be unique; rename one of them.");
            }
        }
    }

    /// <summary>The explicit id (reserved in the constructor), or the default one with a number appended until it is free.</summary>
    public string For(WebhookDefinition webhook)
    {
        if (webhook.ExplicitOperationId is { } id)
        {
            return id;
        }

        var candidate = webhook.DefaultOperationId;
        for (var n = 2; !_taken.Add(candidate); n++)
        {
            candidate = webhook.DefaultOperationId + n;
        }

        return candidate;
    }
}
