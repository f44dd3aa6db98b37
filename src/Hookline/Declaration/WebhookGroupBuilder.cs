using Microsoft.AspNetCore.Builder;

namespace Hookline;

/// <summary>
/// A group of webhooks that share conventions: every convention added to the group (tags,
/// <c>WithGroupName</c>, ...) applies to each webhook declared in it, before the webhook's own.
/// </summary>
public sealed class WebhookGroupBuilder : IWebhookDeclarationBuilder, IWebhookConventionBuilder
{
    private readonly WebhookRegistry _registry;
    private readonly List<Action<EndpointBuilder>> _conventions = [];
    private readonly List<Action<EndpointBuilder>> _finallyConventions = [];

    internal WebhookGroupBuilder(WebhookRegistry registry, WebhookGroupBuilder? parent)
    {
        _registry = registry;
        Parent = parent;
    }

    internal WebhookGroupBuilder? Parent { get; }

    internal IReadOnlyList<Action<EndpointBuilder>> Conventions => _conventions;

    internal IReadOnlyList<Action<EndpointBuilder>> FinallyConventions => _finallyConventions;

    /// <inheritdoc />
    public WebhookConventionBuilder Map(string name, IEnumerable<string> methods, Type payloadType) =>
        _registry.Add(name, methods, payloadType, this);

    /// <inheritdoc />
    public WebhookGroupBuilder MapGroup() => new(_registry, this);

    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention)
    {
        ArgumentNullException.ThrowIfNull(convention);
        _registry.ThrowIfFrozen();
        _conventions.Add(convention);
    }

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        ArgumentNullException.ThrowIfNull(finallyConvention);
        _registry.ThrowIfFrozen();
        _finallyConventions.Add(finallyConvention);
    }
}
