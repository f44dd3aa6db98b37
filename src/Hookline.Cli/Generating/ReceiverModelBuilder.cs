using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Hookline.Cli.Generating;

/// <summary>
/// Decides the C# for a document's webhooks: a name and a type for every webhook, schema and property, deterministically (webhooks and
/// components by ordinal name, properties in document order, collisions numbered in that order).
/// </summary>
internal sealed class ReceiverModelBuilder
{
    private const string JsonElement = "global::System.Text.Json.JsonElement";

    // A record's synthesized members: a property may not take these names.
    private static readonly string[] RecordMembers = ["EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "GetType"];

    private readonly WebhookDocument _document;
    private readonly HashSet<string> _typeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _componentNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Type, bool Nullable)> _componentTypes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expanding = new(StringComparer.Ordinal);
    private readonly List<TypeModel> _types = [];
    private readonly Dictionary<string, RecordModel> _records = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    private ReceiverModelBuilder(WebhookDocument document) => _document = document;

    /// <summary>The model for <paramref name="document"/>; <paramref name="name"/> names the receiver, or the title does.</summary>
    /// <exception cref="GenerationException">No webhook can be received as a POST with a body.</exception>
    public static ReceiverModel Build(WebhookDocument document, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new ReceiverModelBuilder(document).Build(name);
    }

    /// <summary>
    /// A receiver name from a title: the part before a <c>|</c> (ASP.NET Core's "App | v1"), PascalCase, without "Webhooks".
    /// </summary>
    public static string NameFromTitle(string? title)
    {
        var name = CSharpNames.ToPascalCase((title ?? "").Split('|')[0], "Api");
        name = name.EndsWith("Webhooks", StringComparison.Ordinal) && name.Length > "Webhooks".Length ? name[..^"Webhooks".Length] : name;
        return name.StartsWith('_') ? "Api" + name : name;
    }

    private ReceiverModel Build(string? name)
    {
        var info = _document.Document.Info;
        var receiver = name is null ? NameFromTitle(info?.Title) : CSharpNames.ToPascalCase(name, "Api");
        var model = new ReceiverModel(receiver, $"{info?.Title} {info?.Version}".Trim(), [], [], []);
        _typeNames.Add(model.InterfaceName);
        _typeNames.Add(model.ExtensionsName);
        _typeNames.Add(model.JsonName);

        // Components first, by name, so their names win over inline schemas' and do not depend on which webhook reaches them first.
        foreach (var id in (_document.Document.Components?.Schemas?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            _componentNames[id] = CSharpNames.Unique(CSharpNames.ToPascalCase(id, "Schema"), _typeNames);
        }

        var methods = new HashSet<string>(StringComparer.Ordinal);
        var webhooks = new List<WebhookModel>();
        foreach (var (webhook, item) in _document.Webhooks)
        {
            // POST first, the handler named after the webhook alone; a webhook sent with other methods too gets one handler each.
            var operations = (item.Operations ?? []).OrderBy(o => o.Key == HttpMethod.Post ? 0 : 1)
                .ThenBy(o => o.Key.Method, StringComparer.Ordinal).ToList();
            foreach (var (verb, operation) in operations)
            {
                if (!CarriesABody(verb))
                {
                    _warnings.Add($"Webhook '{webhook}' ({verb.Method}) is left out: a {verb.Method} request has no body to receive.");
                    continue;
                }

                var handler = webhooks.Any(w => w.Name == webhook) ? webhook + " " + verb.Method.ToLowerInvariant() : webhook;
                var method = CSharpNames.Unique(CSharpNames.ToPascalCase(handler, "Webhook"), methods);
                var payload = PayloadType(operation, method);
                webhooks.Add(new(webhook, verb.Method, method, payload, Blank(operation.Summary), Blank(operation.Description)));
            }
        }

        if (webhooks.Count == 0)
        {
            throw new GenerationException(
                $"{_document.Source} has no webhooks that are requests with a body (POST, PUT, PATCH, DELETE), "
                + "so there is nothing to receive.");
        }

        return model with { Webhooks = webhooks, Types = [.. _types.OrderBy(t => t.Name, StringComparer.Ordinal)], Warnings = _warnings };
    }

    private static bool CarriesABody(HttpMethod verb) =>
        verb == HttpMethod.Post || verb == HttpMethod.Put || verb == HttpMethod.Patch || verb == HttpMethod.Delete;

    private string PayloadType(OpenApiOperation operation, string method)
    {
        var content = operation.RequestBody?.Content;
        var json = content?.Where(c => IsJson(c.Key))
            .OrderBy(c => c.Key == "application/json" ? 0 : 1)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Value.Schema).FirstOrDefault(s => s is not null);
        return json is null ? JsonElement : TypeFor(json, method + "Payload").Type;
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The C# type for a schema, without its <c>?</c>, and whether the schema allows null.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="context">The name an inline record or enum gets (made unique).</param>
    /// <param name="componentId">The component this schema is, whose reserved name a record or enum takes.</param>
    private (string Type, bool Nullable) TypeFor(IOpenApiSchema schema, string context, string? componentId = null)
    {
        if (schema is OpenApiSchemaReference { Reference.Id: { } id } reference && _componentNames.TryGetValue(id, out var componentName))
        {
            if (_componentTypes.TryGetValue(id, out var known))
            {
                return known;
            }

            if (reference.Target is not { } target || !_expanding.Add(id))
            {
                // Unresolvable, or a component that is only an alias of itself (an array of itself): any JSON.
                var why = reference.Target is null ? "cannot be resolved" : "only refers to itself";
                _warnings.Add($"Schema '{id}' is read as any JSON: it {why}.");
                return (JsonElement, true);
            }

            var resolved = TypeFor(target, componentName, id);
            _componentTypes[id] = resolved;
            _expanding.Remove(id);
            return resolved;
        }

        var nullable = schema.Type?.HasFlag(JsonSchemaType.Null) == true;
        var hasProperties = schema.Properties is { Count: > 0 } || schema.AllOf is { Count: > 1 };
        if (!hasProperties && SingleAlternative(schema) is { } single)
        {
            var (type, alternativeNullable) = TypeFor(single.Schema, context, componentId);
            return (type, nullable || alternativeNullable || single.OrNull);
        }

        if (!hasProperties && (schema.OneOf is { Count: > 0 } || schema.AnyOf is { Count: > 0 }))
        {
            return UnionType(schema, context, componentId, nullable);
        }

        var kinds = (schema.Type ?? 0) & ~JsonSchemaType.Null;
        if (schema.Enum is { Count: > 0 } values)
        {
            return EnumType(schema, values, context, componentId, nullable);
        }

        if (hasProperties || (kinds == JsonSchemaType.Object && schema.AdditionalProperties is null))
        {
            return hasProperties ? (RecordType(schema, context, componentId, nullable), nullable) : (JsonElement, nullable);
        }

        if (kinds.HasFlag(JsonSchemaType.Object) || (kinds == 0 && schema.AdditionalProperties is not null))
        {
            var value = schema.AdditionalProperties is { } additional ? TypeFor(additional, context + "Value") : (JsonElement, false);
            return ($"global::System.Collections.Generic.IReadOnlyDictionary<string, {Nullable(value)}>", nullable);
        }

        if (kinds.HasFlag(JsonSchemaType.Array))
        {
            var item = schema.Items is { } items ? TypeFor(items, context + "Item") : (JsonElement, false);
            return ($"global::System.Collections.Generic.IReadOnlyList<{Nullable(item)}>", nullable);
        }

        // Numbers first: ASP.NET Core documents numbers as ["number", "string"] because its JSON options read them from strings too.
        return kinds switch
        {
            _ when kinds.HasFlag(JsonSchemaType.Integer) && (kinds & ~(JsonSchemaType.Integer | JsonSchemaType.String)) == 0 =>
                (IntegerType(schema.Format), nullable),
            _ when kinds.HasFlag(JsonSchemaType.Number)
                && (kinds & ~(JsonSchemaType.Number | JsonSchemaType.Integer | JsonSchemaType.String)) == 0 =>
                (NumberType(schema.Format), nullable),
            JsonSchemaType.String => (StringType(schema.Format), nullable),
            JsonSchemaType.Boolean => ("bool", nullable),
            _ => (JsonElement, true),
        };
    }

    /// <summary>
    /// The one schema a <c>oneOf</c>/<c>anyOf</c>/<c>allOf</c> wraps (ASP.NET Core and others wrap nullable references so).
    /// </summary>
    private static (IOpenApiSchema Schema, bool OrNull)? SingleAlternative(IOpenApiSchema schema)
    {
        if (schema.AllOf is { Count: 1 } allOf && schema.OneOf is not { Count: > 0 } && schema.AnyOf is not { Count: > 0 })
        {
            return (allOf[0], false);
        }

        var alternatives = (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).ToList();
        var others = alternatives.Where(a => a.Type != JsonSchemaType.Null).ToList();
        return others.Count == 1 && schema.AllOf is not { Count: > 0 } ? (others[0], others.Count < alternatives.Count) : null;
    }

    /// <summary>
    /// A choice of object schemas told apart by a member: the document's <c>discriminator</c>, or else a member to which every choice
    /// gives one string value of its own (an <c>enum</c> of one, or <c>const</c>), as providers often write them. Any other
    /// choice is read as any JSON, which keeps it whole.
    /// </summary>
    private (string Type, bool Nullable) UnionType(IOpenApiSchema schema, string context, string? componentId, bool nullable)
    {
        var alternatives = (schema.OneOf is { Count: > 0 } ? schema.OneOf : schema.AnyOf!).ToList();
        nullable |= alternatives.Any(a => a.Type == JsonSchemaType.Null);
        var choices = alternatives.Where(a => a.Type != JsonSchemaType.Null).ToList();
        var name = componentId is not null ? _componentNames[componentId] : CSharpNames.Unique(context, _typeNames);
        if (componentId is not null)
        {
            _componentTypes[componentId] = (name, nullable);
        }

        // Decided on the document's schemas first, so that a choice read as any JSON leaves no records behind.
        var discriminator = schema.Discriminator?.PropertyName ?? SharedTag(choices);
        var values = discriminator is null
            ? []
            : choices.Select(c => MappedValue(schema.Discriminator, c) ?? TagValue(c, discriminator)).ToList();
        if (values.Count == 0 || values.Any(v => v is null) || values.Distinct(StringComparer.Ordinal).Count() < values.Count)
        {
            discriminator = null;
        }

        var members = new List<UnionMemberModel>();
        var names = new HashSet<string>(RecordMembers, StringComparer.Ordinal) { name };
        for (var i = 0; i < choices.Count && discriminator is not null; i++)
        {
            var (type, _) = TypeFor(choices[i], $"{name}Choice{i + 1}");
            if (!_records.ContainsKey(type) || members.Any(m => m.Type == type))
            {
                discriminator = null; // Not an object, or an object still being generated (a choice that contains its union).
                break;
            }

            members.Add(new(values[i]!, type, CSharpNames.Unique(type, names)));
        }

        if (discriminator is null)
        {
            _typeNames.Remove(name);
            if (componentId is not null)
            {
                _componentTypes[componentId] = (JsonElement, true);
            }

            _warnings.Add(
                $"'{name}' is read as any JSON: its choices (oneOf/anyOf) are not objects that one member with a value each tells apart.");
            return (JsonElement, true);
        }

        _types.Add(new UnionModel(name, Describe(schema), discriminator, members));
        return (name, nullable);
    }

    /// <summary>The member every choice gives a single string value, if there is one.</summary>
    private static string? SharedTag(IReadOnlyList<IOpenApiSchema> choices) =>
        choices.Count == 0
            ? null
            : Parts(choices[0]).SelectMany(p => p.Properties?.Keys ?? []).Distinct(StringComparer.Ordinal)
                .FirstOrDefault(property => choices.All(c => TagValue(c, property) is not null));

    /// <summary>
    /// The single string value <paramref name="choice"/> allows <paramref name="property"/> (required or not: providers forget).
    /// </summary>
    private static string? TagValue(IOpenApiSchema choice, string property)
    {
        var tag = Parts(choice).Select(p => p.Properties is { } properties && properties.TryGetValue(property, out var s) ? s : null)
            .FirstOrDefault(s => s is not null);
        return tag switch
        {
            { Const: { } constant } => constant,
            { Enum: [JsonValue value] } when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => null,
        };
    }

    /// <summary>
    /// The value a discriminator's <c>mapping</c> gives <paramref name="choice"/>, when it is a reference the mapping names.
    /// </summary>
    private static string? MappedValue(OpenApiDiscriminator? discriminator, IOpenApiSchema choice) =>
        choice is OpenApiSchemaReference { Reference.Id: { } id }
            ? discriminator?.Mapping?.FirstOrDefault(m => m.Value.Reference.Id == id).Key
            : null;

    /// <summary>A schema and its <c>allOf</c> parts, references followed.</summary>
    private static IEnumerable<IOpenApiSchema> Parts(IOpenApiSchema schema)
    {
        var resolved = schema is OpenApiSchemaReference { Target: { } target } ? target : schema;
        return (resolved.AllOf ?? []).SelectMany(Parts).Prepend(resolved);
    }

    private (string Type, bool Nullable) EnumType(
        IOpenApiSchema schema, IList<JsonNode> values, string context, string? componentId, bool nullable)
    {
        var present = values.Where(v => v is not null).ToList();
        nullable |= present.Count < values.Count;
        var strings = present.All(v => v is JsonValue value && value.GetValueKind() == JsonValueKind.String);
        var integers = present.All(v => v is JsonValue value && value.TryGetValue<long>(out _));
        if (present.Count == 0 || !(strings || integers))
        {
            // Fractions or mixed values: no C# enum carries them; the plain type keeps every value.
            var (type, _) = TypeFor(WithoutEnum(schema), context);
            return (type, nullable);
        }

        var name = componentId is not null ? _componentNames[componentId] : CSharpNames.Unique(context, _typeNames);
        var members = new HashSet<string>(StringComparer.Ordinal);
        var list = strings
            ? present.Select(v => v!.GetValue<string>()).Distinct(StringComparer.Ordinal)
                .Select(v => new EnumMemberModel(v, CSharpNames.Unique(CSharpNames.ToPascalCase(v), members))).ToList()
            : present.Select(v => v!.GetValue<long>()).Distinct()
                .Select(v => new EnumMemberModel(
                    v.ToString(CultureInfo.InvariantCulture),
                    CSharpNames.Unique(v < 0 ? $"ValueMinus{-(decimal)v}" : $"Value{v}", members)))
                .ToList();
        _types.Add(new EnumModel(name, Describe(schema), list, Numbers: integers && !strings));
        return (name, nullable);
    }

    private static OpenApiSchema WithoutEnum(IOpenApiSchema schema) => new() { Type = schema.Type, Format = schema.Format };

    private string RecordType(IOpenApiSchema schema, string context, string? componentId, bool nullable)
    {
        var name = componentId is not null ? _componentNames[componentId] : CSharpNames.Unique(context, _typeNames);
        if (componentId is not null)
        {
            // Before the properties, so a property that refers back to this schema (recursion) finds its type.
            _componentTypes[componentId] = (name, nullable);
        }

        var members = new HashSet<string>(RecordMembers, StringComparer.Ordinal) { name };
        var properties = new List<PropertyModel>();
        var required = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<KeyValuePair<string, IOpenApiSchema>>();
        // allOf parts first, then the schema's own properties: one record with all of them.
        foreach (var part in (schema.AllOf ?? []).Append(schema))
        {
            required.UnionWith(part.Required ?? new HashSet<string>());
            all.AddRange((part.Properties ?? new Dictionary<string, IOpenApiSchema>()).Where(p => seen.Add(p.Key)));
        }

        foreach (var (json, property) in all)
        {
            var member = CSharpNames.Unique(CSharpNames.ToPascalCase(json, "Property"), members);
            var isRequired = required.Contains(json);
            var type = TypeFor(property, name + member);
            properties.Add(new(json, member, type.Nullable || !isRequired ? type.Type + "?" : type.Type, isRequired, Describe(property)));
        }

        // A member the schema does not declare is kept, unless the schema or one of its allOf parts refuses such members.
        var closed = (schema.AllOf ?? []).Append(schema).Any(part => !part.AdditionalPropertiesAllowed);
        var additional = closed ? null : CSharpNames.Unique("AdditionalProperties", members);
        var record = new RecordModel(name, Describe(schema), properties, additional);
        _types.Add(record);
        _records[name] = record;
        return name;
    }

    private static string Nullable((string Type, bool Nullable) type) => type.Nullable ? type.Type + "?" : type.Type;

    private static string IntegerType(string? format) => format switch
    {
        "int32" => "int",
        "int16" => "short",
        "int8" => "sbyte",
        "uint8" => "byte",
        "uint16" => "ushort",
        "uint32" => "uint",
        "uint64" => "ulong",
        // int64, or no format: JSON Schema integers have no bound; long holds what APIs send.
        _ => "long",
    };

    private static string NumberType(string? format) => format switch
    {
        "decimal" => "decimal",
        "float" => "float",
        "int32" => "int",
        "int64" => "long",
        _ => "double",
    };

    private static string StringType(string? format) => format switch
    {
        "date-time" => "global::System.DateTimeOffset",
        "date" => "global::System.DateOnly",
        "time" => "global::System.TimeOnly",
        "uuid" => "global::System.Guid",
        "uri" => "global::System.Uri",
        "byte" => "byte[]",
        _ => "string",
    };

    private static string? Describe(IOpenApiSchema schema) => Blank(schema.Description) ?? Blank(schema.Title);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
