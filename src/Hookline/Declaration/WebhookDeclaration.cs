using Microsoft.AspNetCore.Builder;

namespace Hookline;

/// <summary>One <c>Map*</c> call, with the conventions added to it until the catalog is built.</summary>
internal sealed class WebhookDeclaration(string name, IReadOnlyList<string> methods, Type payloadType, WebhookGroupBuilder? group)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Methods { get; } = methods;

    public Type PayloadType { get; } = payloadType;

    public WebhookGroupBuilder? Group { get; } = group;

    public List<Action<EndpointBuilder>> Conventions { get; } = [];

    public List<Action<EndpointBuilder>> FinallyConventions { get; } = [];
}
