using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Hookline;

/// <summary>
/// The declared webhooks as event types, with their payload schemas taken from the app's OpenAPI
/// document (so they are exactly what is documented) and an example generated from each. Built once.
/// </summary>
internal sealed class WebhookEventTypes(WebhookCatalog catalog, IServiceProvider services, IOptions<WebhookOptions> options)
{
    private Task<IReadOnlyList<WebhookEventType>>? _types;

    public Task<IReadOnlyList<WebhookEventType>> GetAsync()
    {
        var types = _types;
        if (types is null || types.IsFaulted)
        {
            _types = types = BuildAsync();
        }

        return types;
    }

    private async Task<IReadOnlyList<WebhookEventType>> BuildAsync()
    {
        var name = options.Value.Management.DocumentName;
        var document = await services.GetRequiredKeyedService<IOpenApiDocumentProvider>(name)
            .GetOpenApiDocumentAsync(CancellationToken.None)
            .ConfigureAwait(false);
        var json = JsonNode.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).ConfigureAwait(false))!;
        var components = json["components"]?["schemas"] as JsonObject;
        var types = new List<WebhookEventType>();
        foreach (var webhook in catalog.Definitions)
        {
            var operation = json["webhooks"]?[webhook.Name]?[webhook.Method.ToLowerInvariant()];
            if (operation?["requestBody"]?["content"]?["application/json"]?["schema"] is not { } payload)
            {
                continue; // Left out of the document (ExcludeFromDescription, another document's group): not offered.
            }

            var schema = JsonSchemaExamples.Standalone(payload, components);
            types.Add(new WebhookEventType(
                webhook.Name,
                webhook.Method,
                webhook.Summary,
                operation["description"]?.GetValue<string>(),
                schema,
                JsonSchemaExamples.Example(schema)));
        }

        return types;
    }
}
