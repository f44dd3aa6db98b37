using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hookline;

/// <summary>Turns an OpenAPI payload schema into a standalone JSON Schema, and makes an example that is valid against it.</summary>
internal static class JsonSchemaExamples
{
    private const string ComponentPrefix = "#/components/schemas/";
    private const int MaxDepth = 12;

    /// <summary>
    /// Common shapes tried against a string's pattern (a TimeSpan's, a number's...): a pattern cannot be inverted in general.
    /// </summary>
    private static readonly string[] s_patternCandidates = ["00:00:01", "1", "1.5", "a", "A", "example", "2026-01-31", "12:00:00"];

    /// <summary>
    /// A copy of <paramref name="schema"/> whose references to <c>components/schemas</c> point into its own <c>$defs</c>.
    /// </summary>
    public static JsonObject Standalone(JsonNode schema, JsonObject? components)
    {
        var defs = new JsonObject();
        var root = new JsonObject { ["$schema"] = "https://json-schema.org/draft/2020-12/schema" };
        var body = Rewrite(schema, components, defs);
        foreach (var (key, value) in body.AsObject().ToList())
        {
            body.AsObject().Remove(key);
            root[key] = value;
        }

        if (defs.Count > 0)
        {
            root["$defs"] = defs;
        }

        return root;
    }

    /// <summary>
    /// An example instance of <paramref name="schema"/> (a standalone one): where a schema declares an example of the right type
    /// (<c>examples</c>, or OpenAPI's <c>example</c>, as an XML doc comment's <c>&lt;example&gt;</c> makes), that one; else the first
    /// choice of every choice, a value of every property, and for a string a value of its format, or its property's name.
    /// </summary>
    public static JsonNode? Example(JsonObject schema) => Example(schema, schema["$defs"] as JsonObject, 0, null);

    /// <summary>The example a schema declares, if it has the schema's type: the first of <c>examples</c>, else <c>example</c>.</summary>
    private static JsonNode? Declared(JsonObject schema)
    {
        var declared = schema["examples"] is JsonArray { Count: > 0 } examples ? examples[0]
            : schema.TryGetPropertyValue("example", out var example) ? example
            : null;
        return declared is not null && Fits(declared, schema) ? declared.DeepClone() : null;
    }

    private static JsonNode Rewrite(JsonNode node, JsonObject? components, JsonObject defs)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref"
                        && value?.GetValue<string>() is { } reference
                        && reference.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                    {
                        var id = reference[ComponentPrefix.Length..];
                        copy[key] = "#/$defs/" + id;
                        if (!defs.ContainsKey(id) && components?[id] is { } component)
                        {
                            defs[id] = new JsonObject(); // Claimed first, so a recursive type stops here.
                            defs[id] = Rewrite(component, components, defs);
                        }
                    }
                    else
                    {
                        copy[key] = value is null ? null : Rewrite(value, components, defs);
                    }
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => item is null ? null : Rewrite(item, components, defs))]);
            default:
                return node.DeepClone();
        }
    }

    private static JsonNode? Example(JsonNode? schema, JsonObject? defs, int depth, string? name)
    {
        if (schema is not JsonObject s)
        {
            return null;
        }

        if (Declared(s) is { } declared)
        {
            return declared;
        }

        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            return depth < MaxDepth ? Example(defs?[reference["#/$defs/".Length..]], defs, depth + 1, name) : null;
        }

        if (s["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        if ((s["oneOf"] ?? s["anyOf"]) is JsonArray { Count: > 0 } choices)
        {
            // The first choice that is not just null.
            var choice = choices.FirstOrDefault(c => c?["type"]?.ToString() != "null") ?? choices[0];
            return Example(choice, defs, depth + 1, name);
        }

        if (s["allOf"] is JsonArray { Count: > 0 } parts)
        {
            var merged = new JsonObject();
            foreach (var part in parts)
            {
                if (Example(part, defs, depth + 1, name) is JsonObject partExample)
                {
                    foreach (var (key, value) in partExample.ToList())
                    {
                        partExample.Remove(key);
                        merged[key] = value;
                    }
                }
            }

            return merged;
        }

        return Type(s) switch
        {
            "object" => Object(s, defs, depth),
            "array" => depth < MaxDepth && Example(s["items"], defs, depth + 1, name) is { } item ? new JsonArray(item) : new JsonArray(),
            "string" => String(s, name),
            "integer" => JsonValue.Create(Math.Max(1, (long)(s["minimum"]?.GetValue<double>() ?? 1))),
            "number" => JsonValue.Create(Math.Max(1.5, s["minimum"]?.GetValue<double>() ?? 1.5)),
            "boolean" => JsonValue.Create(true),
            _ => null,
        };
    }

    private static JsonObject Object(JsonObject schema, JsonObject? defs, int depth)
    {
        var example = new JsonObject();
        if (depth < MaxDepth && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties)
            {
                example[name] = Example(property, defs, depth + 1, name);
            }
        }

        return example;
    }

    private static JsonNode String(JsonObject schema, string? name)
    {
        var value = schema["format"]?.GetValue<string>() switch
        {
            "date-time" => "2026-01-31T12:00:00+00:00",
            "date" => "2026-01-31",
            "time" => "12:00:00Z", // RFC 3339 full-time: with an offset.
            "duration" => "PT1H",
            "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "email" => "user@example.com",
            "uri" or "url" => "https://example.com/",
            "uri-reference" => "/example",
            "hostname" => "example.com",
            "ipv4" => "192.0.2.1",
            "ipv6" => "2001:db8::1",
            "byte" => "ZXhhbXBsZQ==",
            "char" => "a",
            _ => Named(name),
        };
        var min = (int?)schema["minLength"]?.GetValue<double>() ?? 0;
        var max = (int?)schema["maxLength"]?.GetValue<double>() ?? int.MaxValue;
        if (schema["pattern"]?.GetValue<string>() is { } pattern)
        {
            value = s_patternCandidates.Prepend(value).FirstOrDefault(c => Matches(pattern, c)) ?? value;
        }

        return JsonValue.Create(value.Length >= min && value.Length <= max ? value : new string('a', Math.Max(min, 1)))!;
    }

    private static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return false; // Not a pattern .NET reads.
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// A string without a format, by what its property is called: an address for an email or a URL (which OpenAPI documents as
    /// plain strings), else the name in words ("user name" for userName), not "string".
    /// </summary>
    private static string Named(string? name) => Words(name ?? "") switch
    {
        "" => "example",
        var words when LastWord(words) is "email" => "user@example.com",
        var words when LastWord(words) is "url" or "uri" => "https://example.com/",
        var words => words,
    };

    private static string LastWord(string words) => words[(words.LastIndexOf(' ') + 1)..];

    /// <summary>A property's name in lowercase words: <c>userName</c>, <c>user_name</c> and <c>user-name</c> are "user name".</summary>
    private static string Words(string name)
    {
        var words = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-' or '.' or ' ')
            {
                c = ' ';
            }
            else if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return Regex.Replace(words.ToString(), " {2,}", " ", RegexOptions.None, TimeSpan.FromMilliseconds(100)).Trim();
    }

    /// <summary>Whether a declared example has the schema's type (any, if it names none) and is one of its enum's values.</summary>
    private static bool Fits(JsonNode example, JsonObject schema)
    {
        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, example)))
        {
            return false;
        }

        IEnumerable<string?> types = schema["type"] switch
        {
            JsonArray list => list.Select(t => t?.GetValue<string>()),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        var kind = example.GetValueKind();
        return !types.Any() || types.Any(type => type switch
        {
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "number" => kind == JsonValueKind.Number,
            "integer" => kind == JsonValueKind.Number && Math.Floor(example.GetValue<double>()) == example.GetValue<double>(),
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            _ => false,
        });
    }

    /// <summary>The schema's type: the first that is not null when it lists several.</summary>
    private static string? Type(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null",
        JsonValue type => type.GetValue<string>(),
        _ => schema["properties"] is not null ? "object" : null,
    };
}
