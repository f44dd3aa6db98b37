using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Hookline;

/// <summary>Builds the OpenAPI operation that describes one webhook request.</summary>
internal sealed class WebhookOperationFactory(OpenApiDocument document, Func<Type, Task<IOpenApiSchema>> createSchema)
{
    private const string DefaultTag = "Webhooks";
    private const string DefaultTagDescription = "The requests this API sends to the URLs you register.";

    private readonly List<IOpenApiParameter> _headers = StandardWebhookHeaders.AddTo(document);

    public async Task<OpenApiOperation> CreateAsync(WebhookDefinition webhook, IOpenApiSchema payloadSchema, string operationId)
    {
        var metadata = webhook.Metadata;
        return new OpenApiOperation
        {
            OperationId = operationId,
            Summary = webhook.Summary,
            Description = metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
            Tags = CreateTags(metadata),
            Deprecated = metadata.GetMetadata<ObsoleteAttribute>() is not null,
            Parameters = [.. _headers],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = payloadSchema },
                },
            },
            Responses = await CreateResponsesAsync(metadata).ConfigureAwait(false),
            // The API sends this request; the receiver does not call it with the API's credentials, whatever the document requires.
            Security = [],
        };
    }

    /// <summary>
    /// The webhook's tags (<c>WithTags</c>), or else <see cref="DefaultTag"/>, so that docs UIs that group by tag (ReDoc) show
    /// untagged webhooks under a title like the others' rather than the section's key.
    /// </summary>
    private HashSet<OpenApiTagReference> CreateTags(EndpointMetadataCollection metadata)
    {
        var names = metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags).Distinct().ToList();
        document.Tags ??= new HashSet<OpenApiTag>();
        if (names.Count == 0)
        {
            names.Add(DefaultTag);
            if (!document.Tags.Any(t => t.Name == DefaultTag))
            {
                document.Tags.Add(new OpenApiTag { Name = DefaultTag, Description = DefaultTagDescription });
            }
        }

        foreach (var name in names.Where(n => !document.Tags.Any(t => t.Name == n)))
        {
            document.Tags.Add(new OpenApiTag { Name = name });
        }

        return [.. names.Select(n => new OpenApiTagReference(n, document))];
    }

    private async Task<OpenApiResponses> CreateResponsesAsync(EndpointMetadataCollection metadata)
    {
        var responses = new OpenApiResponses();
        var declared = metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>();
        if (declared.Count == 0)
        {
            responses["2XX"] = new OpenApiResponse { Description = "Any 2xx status acknowledges the delivery." };
        }

        foreach (var response in declared)
        {
            var content = new Dictionary<string, OpenApiMediaType>();
            if (response.Type is { } type && type != typeof(void))
            {
                var schema = await createSchema(type).ConfigureAwait(false);
                foreach (var contentType in response.ContentTypes)
                {
                    content[contentType] = new OpenApiMediaType { Schema = schema };
                }
            }

            responses[response.StatusCode.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = response.Description ?? ReasonPhrases.GetReasonPhrase(response.StatusCode),
                Content = content.Count > 0 ? content : null,
            };
        }

        responses["default"] = new OpenApiResponse
        {
            Description = "Any other answer (an error status, a redirect, or none within the timeout): the delivery is retried.",
        };
        return responses;
    }
}
