using Microsoft.AspNetCore.Builder;

namespace Hookline;

/// <summary>
/// Adds conventions to a declared webhook. ASP.NET Core's own convention methods apply:
/// <c>WithSummary</c>, <c>WithDescription</c>, <c>WithTags</c>, <c>WithName</c> (the operation id),
/// <c>WithGroupName</c> (the OpenAPI document), <c>ExcludeFromDescription</c> and
/// <c>Produces</c> (the responses the receiver should give).
/// </summary>
public sealed class WebhookConventionBuilder : IEndpointConventionBuilder
{
    private readonly WebhookRegistry _registry;
    private readonly WebhookDeclaration _declaration;

    internal WebhookConventionBuilder(WebhookRegistry registry, WebhookDeclaration declaration)
    {
        _registry = registry;
        _declaration = declaration;
    }

    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention)
    {
        ArgumentNullException.ThrowIfNull(convention);
        _registry.ThrowIfFrozen();
        _declaration.Conventions.Add(convention);
    }

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        ArgumentNullException.ThrowIfNull(finallyConvention);
        _registry.ThrowIfFrozen();
        _declaration.FinallyConventions.Add(finallyConvention);
    }

    /// <summary>Marks the webhook as deprecated in the OpenAPI document.</summary>
    /// <returns>This builder.</returns>
    public WebhookConventionBuilder Deprecated()
    {
        this.WithMetadata(new ObsoleteAttribute());
        return this;
    }
}
