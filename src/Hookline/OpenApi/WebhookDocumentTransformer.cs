using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// Adds the declared webhooks to an OpenAPI document: under <c>webhooks</c> in OpenAPI 3.1, under
/// <c>x-webhooks</c> in 3.0. Payload schemas come from the document's own schema pipeline, so
/// schema transformers and XML doc comments apply to them as to the app's endpoints.
/// </summary>
internal sealed class WebhookDocumentTransformer(WebhookCatalog catalog, IOptionsMonitor<OpenApiOptions> openApiOptions)
    : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(
        OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var options = openApiOptions.Get(context.DocumentName);
        var webhooks = catalog.Definitions.Where(w => IsIncluded(w, options)).ToList();
        if (webhooks.Count == 0)
        {
            return;
        }

        var schemas = new WebhookSchemaResolver(document);
        var operationIds = new OperationIdAllocator(document, context.DocumentName, webhooks);
        var operations = new WebhookOperationFactory(
            document,
            async type => schemas.Resolve(await context.GetOrCreateSchemaAsync(type, null, cancellationToken).ConfigureAwait(false)));

        var pathItems = new Dictionary<string, OpenApiPathItem>(StringComparer.Ordinal);
        foreach (var webhook in webhooks)
        {
            IOpenApiSchema payload;
            using (OutboundNumberSchemaTransformer.BeginPayload())
            {
                payload = await context.GetOrCreateSchemaAsync(webhook.PayloadType, null, cancellationToken).ConfigureAwait(false);
            }

            var operation = await operations.CreateAsync(webhook, schemas.Resolve(payload), operationIds.For(webhook))
                .ConfigureAwait(false);
            var pathItem = pathItems.TryGetValue(webhook.Name, out var existing)
                ? existing
                : pathItems[webhook.Name] = new OpenApiPathItem();
            pathItem.AddOperation(new HttpMethod(webhook.Method), operation);
        }

        if (options.OpenApiVersion == OpenApiSpecVersion.OpenApi3_0)
        {
            document.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
            document.Extensions[OpenApi30WebhooksExtension.Name] = new OpenApi30WebhooksExtension(pathItems);
            return;
        }

        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>(StringComparer.Ordinal);
        foreach (var (name, pathItem) in pathItems)
        {
            document.Webhooks[name] = pathItem;
        }
    }

    /// <summary>
    /// Applies the document's own selection rule (<see cref="OpenApiOptions.ShouldInclude"/>, by
    /// default: no group name, or the document's name) to the webhook, as to an endpoint.
    /// </summary>
    private static bool IsIncluded(WebhookDefinition webhook, OpenApiOptions options)
    {
        if (webhook.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
        {
            return false;
        }

        var description = new ApiDescription
        {
            GroupName = webhook.Metadata.GetMetadata<IEndpointGroupNameMetadata>()?.EndpointGroupName,
            HttpMethod = webhook.Method,
            RelativePath = webhook.Name,
            ActionDescriptor = new ActionDescriptor { EndpointMetadata = [.. webhook.Metadata] },
        };
        return options.ShouldInclude(description);
    }
}
