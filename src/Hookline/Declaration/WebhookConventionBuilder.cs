using Microsoft.AspNetCore.Builder;

namespace Hookline;

/// <summary>Adds conventions to a declared webhook; see <see cref="IWebhookConventionBuilder"/> for which apply.</summary>
public sealed class WebhookConventionBuilder : IWebhookConventionBuilder
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
}
