using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hookline.Filtering;

/// <summary>
/// Checks a payload filter against the event type's JSON Schema (the one in the OpenAPI document): every field it names must
/// be declared, and every value must be one the field can hold, so that a typo is refused instead of silently matching nothing.
/// Where the schema leaves a part open (no <c>properties</c>, or <c>{}</c>), that part is not checked.
/// </summary>
internal static class FilterSchemaCheck
{
    private const int MaxRefs = 64;

    /// <summary>What is wrong with <paramref name="filter"/> for payloads of <paramref name="schema"/>, for the tenant.</summary>
    public static IReadOnlyList<string> Check(FilterExpression filter, JsonObject schema)
    {
        var errors = new List<string>();
        Visit(filter, schema, errors);
        return errors;
    }

    private static void Visit(FilterExpression filter, JsonObject schema, List<string> errors)
    {
        switch (filter)
        {
            case AndFilter and:
                Visit(and.Left, schema, errors);
                Visit(and.Right, schema, errors);
                break;
            case OrFilter or:
                Visit(or.Left, schema, errors);
                Visit(or.Right, schema, errors);
                break;
            case NotFilter not:
                Visit(not.Operand, schema, errors);
                break;
            case ExistsFilter exists:
                Field(exists.Path, schema, errors);
                break;
            case CompareFilter compare when Field(compare.Path, schema, errors) is { } field:
                var ordered = compare.Operator is not (FilterOperator.Equal or FilterOperator.NotEqual);
                CheckValue(compare.Path, field, compare.Value, ordered, errors);
                break;
            case InFilter @in when Field(@in.Path, schema, errors) is { } field:
                foreach (var value in @in.Values)
                {
                    CheckValue(@in.Path, field, value, ordered: false, errors);
                }

                break;
        }
    }

    /// <summary>What the schema says the field at <paramref name="path"/> is; null if it cannot say (an error added if unknown).</summary>
    private static FieldShape? Field(FilterPath path, JsonObject root, List<string> errors)
    {
        var current = Flatten(root, root);
        for (var i = 0; i < path.Names.Count; i++)
        {
            if (current.Any(IsOpen))
            {
                return null;
            }

            var name = path.Names[i];
            var declared = current.Select(s => s["properties"] as JsonObject).OfType<JsonObject>().ToList();
            var next = declared.Select(p => p[name]).OfType<JsonNode>().ToList();
            if (next.Count == 0)
            {
                var owner = i == 0 ? "The payload" : $"'{string.Join('.', path.Names.Take(i))}'";
                var known = declared.SelectMany(p => p.Select(property => property.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
                errors.Add(known.Count == 0
                    ? $"{owner} has no fields to filter on, so '{path}' is never there."
                    : $"{owner} has no field '{name}' (in '{path}'); its fields are: {string.Join(", ", known)}.");
                return null;
            }

            current = [.. next.SelectMany(n => Flatten(n, root))];
        }

        return current.Any(IsOpen) ? null : new FieldShape(current);
    }

    private static void CheckValue(FilterPath path, FieldShape field, FilterLiteral value, bool ordered, List<string> errors)
    {
        var types = field.Types;
        if (ordered)
        {
            if (!types.Contains("number") && !types.Contains("integer"))
            {
                errors.Add($"'{path}' is {field.Describe()}: only numbers compare with <, <=, > and >=.");
            }

            return;
        }

        var fits = value.Kind switch
        {
            JsonValueKind.String => types.Contains("string"),
            JsonValueKind.Number => types.Contains("number") || (types.Contains("integer") && value.Number % 1 == 0),
            JsonValueKind.True or JsonValueKind.False => types.Contains("boolean"),
            _ => types.Contains("null"),
        };
        if (!fits)
        {
            errors.Add($"'{path}' is {field.Describe()}, so it is never {value}.");
        }
        else if (value.Kind == JsonValueKind.String && field.StringChoices() is { } choices && !choices.Contains(value.Text!))
        {
            var listed = string.Join(", ", choices.Select(c => FilterLiteral.String(c).ToString()));
            errors.Add($"'{path}' is never {value}; it is one of: {listed}.");
        }
    }

    /// <summary>The schemas a value of <paramref name="schema"/> may match: references followed, and the branches of its choices.</summary>
    private static List<JsonObject> Flatten(JsonNode? schema, JsonObject root)
    {
        var result = new List<JsonObject>();
        var refs = 0;
        void Add(JsonNode? node)
        {
            if (node is JsonValue value && value.TryGetValue(out bool any))
            {
                result.Add(any ? [] : new JsonObject { ["not"] = new JsonObject() });
                return;
            }

            if (node is not JsonObject obj)
            {
                return;
            }

            if (obj["$ref"]?.GetValue<string>() is { } reference)
            {
                if (++refs <= MaxRefs && reference.StartsWith("#/$defs/", StringComparison.Ordinal))
                {
                    Add(root["$defs"]?[reference["#/$defs/".Length..]]);
                }

                return;
            }

            var branches = new[] { "oneOf", "anyOf", "allOf" }.Select(k => obj[k]).OfType<JsonArray>().SelectMany(a => a).ToList();
            if (branches.Count > 0)
            {
                branches.ForEach(Add);
                var rest = obj.DeepClone().AsObject();
                rest.Remove("oneOf");
                rest.Remove("anyOf");
                rest.Remove("allOf");
                if (rest.Any(p => p.Key is "type" or "properties" or "enum" or "const"))
                {
                    result.Add(rest);
                }

                return;
            }

            result.Add(obj);
        }

        Add(schema);
        return result;
    }

    /// <summary>A schema that does not say what its values are (<c>{}</c>, <c>true</c>): nothing below it is checked.</summary>
    private static bool IsOpen(JsonObject schema) =>
        !schema.ContainsKey("type") && !schema.ContainsKey("properties") && !schema.ContainsKey("enum") && !schema.ContainsKey("const")
        && !schema.ContainsKey("not");

    /// <summary>The schemas a field may match, and what follows from them.</summary>
    private sealed class FieldShape(List<JsonObject> schemas)
    {
        public HashSet<string> Types { get; } = [.. schemas.SelectMany(TypesOf)];

        /// <summary>The strings the field may hold, if every schema of a string lists them (<c>enum</c>, <c>const</c>).</summary>
        public IReadOnlyList<string>? StringChoices()
        {
            var ofKind = schemas.Where(s => TypesOf(s).Contains("string")).ToList();
            if (ofKind.Count == 0 || ofKind.Any(s => !s.ContainsKey("enum") && !s.ContainsKey("const")))
            {
                return null;
            }

            return [.. ofKind.SelectMany(Values).Where(v => v.Kind == JsonValueKind.String).Select(v => v.Text!).Distinct()];
        }

        public string Describe()
        {
            var words = Types.Order(StringComparer.Ordinal).Select(t => t switch
            {
                "object" => "an object",
                "array" => "an array",
                "integer" => "an integer",
                "null" => "null",
                _ => $"a {t}",
            }).ToList();
            return words.Count == 0 ? "never present" : string.Join(" or ", words);
        }

        private static IEnumerable<string> TypesOf(JsonObject schema) => schema["type"] switch
        {
            JsonValue one when one.TryGetValue(out string? type) => [type],
            JsonArray many => many.Select(t => t?.GetValue<string>()).OfType<string>(),
            _ => Values(schema).Select(v => v.Kind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                JsonValueKind.Null => "null",
                JsonValueKind.Array => "array",
                _ => "object",
            }),
        };

        /// <summary>The kind and, for a string, the text of each value of <c>enum</c> or <c>const</c>.</summary>
        private static IEnumerable<(JsonValueKind Kind, string? Text)> Values(JsonObject schema)
        {
            var nodes = schema["enum"] is JsonArray values ? values
                : schema.TryGetPropertyValue("const", out var one) ? [one]
                : [];
            return nodes.Select(n => n is null ? (JsonValueKind.Null, null)
                : n.GetValueKind() is JsonValueKind.String ? (JsonValueKind.String, n.GetValue<string>())
                : (n.GetValueKind(), (string?)null));
        }
    }
}
