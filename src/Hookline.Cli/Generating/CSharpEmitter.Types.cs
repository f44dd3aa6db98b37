using System.CodeDom.Compiler;

namespace Hookline.Cli.Generating;

/// <summary>The payload types: a record per object schema, a union per choice of objects, an enum per string enum.</summary>
internal static partial class CSharpEmitter
{
    private static void WriteRecord(IndentedTextWriter writer, RecordModel record)
    {
        Summary(writer, record.Description is { } description ? Doc(description) : $"The {record.Name} schema.");
        if (record.AdditionalProperties is null)
        {
            // The schema declares every member it allows: another one is refused (let through by the lenient options).
            writer.WriteLine($"[{Attributes}.JsonUnmappedMemberHandling({Attributes}.JsonUnmappedMemberHandling.Disallow)]");
        }

        writer.WriteLine($"public sealed record {record.Name}");
        writer.WriteLine("{");
        writer.Indent++;
        for (var i = 0; i < record.Properties.Count; i++)
        {
            var property = record.Properties[i];
            if (i > 0)
            {
                writer.WriteLineNoTabs("");
            }

            Summary(writer, property.Description is { } text ? Doc(text) : $"The <c>{Escape(property.JsonName)}</c> property.");
            writer.WriteLine($"[{Attributes}.JsonPropertyName({CSharpNames.Literal(property.JsonName)})]");
            writer.WriteLine($"public {(property.Required ? "required " : "")}{property.Type} {property.Name} {{ get; init; }}");
        }

        if (record.AdditionalProperties is { } additional)
        {
            if (record.Properties.Count > 0)
            {
                writer.WriteLineNoTabs("");
            }

            Summary(writer, "The members the schema does not declare, as sent: written back when the record is serialized.");
            writer.WriteLine($"[{Attributes}.JsonExtensionData]");
            writer.WriteLine(
                "public global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>? "
                + $"{additional} {{ get; init; }}");
        }

        writer.Indent--;
        writer.WriteLine("}");
    }

    private static void WriteUnion(IndentedTextWriter writer, UnionModel union)
    {
        var tag = CSharpNames.Literal(union.Discriminator);
        var values = CSharpNames.Literal(string.Join(", ", union.Members.Select(m => m.Value)));
        Summary(
            writer,
            (union.Description is { } description ? Doc(description) + "\n" : "")
            + $"One of {union.Members.Count} schemas, told apart by <c>{Escape(union.Discriminator)}</c>:\n"
            + "the property of the one sent is set.");
        writer.WriteLine($"[{Attributes}.JsonConverter(typeof({union.Name}.Converter))]");
        writer.WriteLine($"public sealed record {union.Name}");
        writer.WriteLine("{");
        writer.Indent++;
        foreach (var member in union.Members)
        {
            writer.WriteLine($"/// <summary>Set when <c>{Escape(union.Discriminator)}</c> is <c>{Escape(member.Value)}</c>.</summary>");
            writer.WriteLine($"public {member.Type}? {member.Name} {{ get; init; }}");
            writer.WriteLineNoTabs("");
        }

        writer.WriteLine($"/// <summary>Reads the schema <c>{Escape(union.Discriminator)}</c> names, and writes the one set.</summary>");
        writer.WriteLine($"internal sealed class Converter : {Attributes}.JsonConverter<{union.Name}>");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("/// <inheritdoc/>");
        writer.WriteLine($"public override {union.Name} Read(");
        writer.WriteLine("    ref global::System.Text.Json.Utf8JsonReader reader,");
        writer.WriteLine("    global::System.Type typeToConvert,");
        writer.WriteLine("    global::System.Text.Json.JsonSerializerOptions options)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("var element = global::System.Text.Json.JsonElement.ParseValue(ref reader);");
        writer.WriteLine("if (element.ValueKind != global::System.Text.Json.JsonValueKind.Object");
        writer.WriteLine($"    || !element.TryGetProperty({tag}, out var tag)");
        writer.WriteLine("    || tag.ValueKind != global::System.Text.Json.JsonValueKind.String)");
        writer.WriteLine("{");
        writer.WriteLine("    throw new global::System.Text.Json.JsonException(");
        writer.WriteLine($"        \"An object with the string member '\" + {tag} + \"' is expected, one of: \" + {values} + \".\");");
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("return tag.GetString() switch");
        writer.WriteLine("{");
        writer.Indent++;
        foreach (var member in union.Members)
        {
            writer.WriteLine($"{CSharpNames.Literal(member.Value)} => new() {{ {member.Name} = Read<{member.Type}>(element, options) }},");
        }

        writer.WriteLine("var other => throw new global::System.Text.Json.JsonException(");
        writer.WriteLine($"    \"'\" + {tag} + \"' is '\" + other + \"', none of: \" + {values} + \".\"),");
        writer.Indent--;
        writer.WriteLine("};");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("/// <inheritdoc/>");
        writer.WriteLine(
            $"public override void Write(global::System.Text.Json.Utf8JsonWriter writer, {union.Name} value, "
            + "global::System.Text.Json.JsonSerializerOptions options)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(writer);");
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(value);");
        writer.WriteLine("object? set = null;");
        foreach (var member in union.Members)
        {
            writer.WriteLine($"set ??= value.{member.Name};");
        }

        writer.WriteLine("global::System.Text.Json.JsonSerializer.Serialize(writer, set, set?.GetType() ?? typeof(object), options);");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("private static T Read<T>(");
        writer.WriteLine("    global::System.Text.Json.JsonElement element, global::System.Text.Json.JsonSerializerOptions options) =>");
        writer.WriteLine("    global::System.Text.Json.JsonSerializer.Deserialize<T>(element, options)");
        writer.WriteLine("    ?? throw new global::System.Text.Json.JsonException(\"A choice is null.\");");
        writer.Indent--;
        writer.WriteLine("}");
        writer.Indent--;
        writer.WriteLine("}");
    }

    /// <summary>An enum read and written by its JSON values only (the converters are <see cref="WriteEnumConverters"/>).</summary>
    private static void WriteEnum(IndentedTextWriter writer, EnumModel enumeration, string json)
    {
        Summary(writer, enumeration.Description is { } description ? Doc(description) : $"The {enumeration.Name} values.");
        var converter = enumeration.Numbers ? "WholeNumbers" : "Strings";
        writer.WriteLine($"[{Attributes}.JsonConverter(typeof({json}.{converter}<{enumeration.Name}>))]");
        writer.WriteLine($"public enum {enumeration.Name}{(enumeration.Numbers ? " : long" : "")}");
        writer.WriteLine("{");
        writer.Indent++;
        foreach (var member in enumeration.Members)
        {
            Summary(writer, $"<c>{Escape(member.JsonValue)}</c>");
            if (enumeration.Numbers)
            {
                writer.WriteLine($"{member.Name} = {member.JsonValue},");
                continue;
            }

            writer.WriteLine($"[{Attributes}.JsonStringEnumMemberName({CSharpNames.Literal(member.JsonValue)})]");
            writer.WriteLine($"{member.Name},");
        }

        writer.Indent--;
        writer.WriteLine("}");
    }
}
