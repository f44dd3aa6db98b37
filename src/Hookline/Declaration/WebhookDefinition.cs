using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Hookline;

/// <summary>A declared webhook for one HTTP method, with its conventions applied.</summary>
/// <param name="Name">The event name, the key under the OpenAPI <c>webhooks</c> field.</param>
/// <param name="Method">The upper-case HTTP method.</param>
/// <param name="PayloadType">The type of the request body.</param>
/// <param name="Metadata">What the conventions added: descriptions, tags, names, responses.</param>
internal sealed record WebhookDefinition(string Name, string Method, Type PayloadType, EndpointMetadataCollection Metadata)
{
    /// <summary>The summary set with <c>WithSummary</c>, or one derived from the name.</summary>
    public string Summary => Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary ?? WebhookName.ToSummary(Name);

    /// <summary>The operation id set with <c>WithName</c>, if any.</summary>
    public string? ExplicitOperationId => Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;

    /// <summary>The operation id derived from the name and method.</summary>
    public string DefaultOperationId => WebhookName.ToOperationId(Name, Method);
}
