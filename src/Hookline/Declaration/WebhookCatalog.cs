using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// The single source of truth for the declared webhooks and the JSON options their payloads are
/// written with. Built once, when first resolved (at the latest when the host starts); read-only after.
/// </summary>
internal sealed class WebhookCatalog
{
    private readonly Dictionary<string, IReadOnlyList<WebhookDefinition>> _byName;

    public WebhookCatalog(WebhookRegistry registry, IOptions<JsonOptions> jsonOptions, IServiceProvider services)
    {
        SerializerOptions = CreateOutboundOptions(jsonOptions.Value.SerializerOptions);
        var definitions = new List<WebhookDefinition>();
        foreach (var declaration in registry.Freeze())
        {
            WebhookPayloadType.ValidateSerializable(declaration.Name, declaration.PayloadType, SerializerOptions);
            var metadata = ApplyConventions(declaration, services);
            definitions.AddRange(
                declaration.Methods.Select(m => new WebhookDefinition(declaration.Name, m, declaration.PayloadType, metadata)));
        }

        ThrowOnDuplicateOperationIds(definitions);
        Definitions = definitions;
        var byName = definitions.GroupBy(d => d.Name, StringComparer.Ordinal).ToList();
        Names = [.. byName.Select(g => g.Key)];
        _byName = byName.ToDictionary(g => g.Key, g => (IReadOnlyList<WebhookDefinition>)[.. g], StringComparer.Ordinal);
    }

    /// <summary>Every declared webhook, one per name and method, in declaration order.</summary>
    public IReadOnlyList<WebhookDefinition> Definitions { get; }

    /// <summary>The declared webhook names, each once, in declaration order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The definitions of a webhook name, one per method; empty when it is not declared.</summary>
    public IReadOnlyList<WebhookDefinition> Find(string name) => _byName.GetValueOrDefault(name, []);

    /// <summary>
    /// The options payloads are serialized with: the app's HTTP JSON options (naming, converters)
    /// without the read-only leniency of accepting numbers as strings.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; }

    private static JsonSerializerOptions CreateOutboundOptions(JsonSerializerOptions appOptions)
    {
        var options = new JsonSerializerOptions(appOptions)
        {
            NumberHandling = appOptions.NumberHandling & ~JsonNumberHandling.AllowReadingFromString,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static EndpointMetadataCollection ApplyConventions(WebhookDeclaration declaration, IServiceProvider services)
    {
        var builder = new WebhookEndpointBuilder
        {
            DisplayName = $"Webhook {declaration.Name} ({string.Join(", ", declaration.Methods)})",
            ApplicationServices = services,
        };

        var groups = new List<WebhookGroupBuilder>();
        for (var group = declaration.Group; group is not null; group = group.Parent)
        {
            groups.Insert(0, group);
        }

        // As in ASP.NET Core route groups: outer group conventions first, the webhook's own last;
        // "finally" conventions in the reverse order.
        foreach (var convention in groups.SelectMany(g => g.Conventions).Concat(declaration.Conventions))
        {
            convention(builder);
        }

        foreach (var convention in declaration.FinallyConventions
            .Concat(groups.AsEnumerable().Reverse().SelectMany(g => g.FinallyConventions)))
        {
            convention(builder);
        }

        return new EndpointMetadataCollection(builder.Metadata);
    }

    private static void ThrowOnDuplicateOperationIds(List<WebhookDefinition> definitions)
    {
        var duplicate = definitions
            .Where(d => d.ExplicitOperationId is not null)
            .GroupBy(d => d.ExplicitOperationId, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            var names = string.Join(" and ", duplicate.Select(d => $"'{d.Name}' ({d.Method})"));
            throw new InvalidOperationException(
                $"Webhooks {names} both use the operation id '{duplicate.Key}' (WithName). "
                + "Operation ids must be unique; give each webhook its own.");
        }
    }
}
