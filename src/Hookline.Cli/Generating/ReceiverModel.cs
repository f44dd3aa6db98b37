namespace Hookline.Cli.Generating;

/// <summary>What the generator writes, decided: C# names and types for every webhook and schema, in a fixed order.</summary>
/// <param name="Name">The receiver's name: <c>I{Name}Webhooks</c> and <c>Map{Name}Webhooks</c>.</param>
/// <param name="Title">The document's title and version, for the files' header.</param>
/// <param name="Webhooks">One per webhook, by name.</param>
/// <param name="Types">Records and enums, by C# name.</param>
/// <param name="Warnings">What the document has that the generator left out, and why.</param>
internal sealed record ReceiverModel(
    string Name, string Title, IReadOnlyList<WebhookModel> Webhooks, IReadOnlyList<TypeModel> Types, IReadOnlyList<string> Warnings)
{
    public string InterfaceName => $"I{Name}Webhooks";

    public string ExtensionsName => $"{Name}WebhooksEndpointRouteBuilderExtensions";

    public string MapMethodName => $"Map{Name}Webhooks";

    public string JsonName => $"{Name}WebhooksJson";
}

/// <summary>One webhook's operation: mapped as <c>{HttpMethod} {prefix}/{Name}</c> to the handler <c>Handle{MethodName}Async</c>.</summary>
internal sealed record WebhookModel(
    string Name, string HttpMethod, string MethodName, string PayloadType, string? Summary, string? Description);

/// <summary>A generated type: a record or an enum.</summary>
internal abstract record TypeModel(string Name, string? Description);

/// <summary>A record for an object schema.</summary>
/// <param name="Name">The record's C# name.</param>
/// <param name="Description">Its summary.</param>
/// <param name="Properties">The members the schema declares, in document order.</param>
/// <param name="AdditionalProperties">
/// The property that keeps the members the schema does not declare but allows (<c>[JsonExtensionData]</c>), or null when the schema
/// allows none (<c>additionalProperties: false</c>).
/// </param>
internal sealed record RecordModel(string Name, string? Description, IReadOnlyList<PropertyModel> Properties, string? AdditionalProperties)
    : TypeModel(Name, Description);

/// <summary>A record's property: <paramref name="Type"/> already carries its <c>?</c> when it may be null or absent.</summary>
internal sealed record PropertyModel(string JsonName, string Name, string Type, bool Required, string? Description);

/// <summary>
/// A choice of object schemas (<c>oneOf</c>/<c>anyOf</c>) told apart by a member (<paramref name="Discriminator"/>): a record with
/// one property per choice, of which a body sets one, read and written by a converter of its own.
/// </summary>
internal sealed record UnionModel(string Name, string? Description, string Discriminator, IReadOnlyList<UnionMemberModel> Members)
    : TypeModel(Name, Description);

/// <summary>A choice: the discriminator's value that selects it, its record, and the union's property that holds it.</summary>
internal sealed record UnionMemberModel(string Value, string Type, string Name);

/// <summary>An enum for a schema with a closed set of strings or whole numbers.</summary>
/// <param name="Name">The enum's C# name.</param>
/// <param name="Description">Its summary.</param>
/// <param name="Members">Its values, in document order.</param>
/// <param name="Numbers">Whether the values are whole numbers (written as numbers, a <c>long</c> enum), not strings.</param>
internal sealed record EnumModel(string Name, string? Description, IReadOnlyList<EnumMemberModel> Members, bool Numbers = false)
    : TypeModel(Name, Description);

/// <summary>An enum member and the JSON value it stands for (a string, or a number's digits).</summary>
internal sealed record EnumMemberModel(string JsonValue, string Name);
