using System.CodeDom.Compiler;

namespace Hookline.Cli.Generating;

/// <summary>The receiving side: the JSON options, and the routes that read a body with them and call the handlers.</summary>
internal static partial class CSharpEmitter
{
    private static void WriteJson(IndentedTextWriter writer, ReceiverModel model)
    {
        Summary(
            writer,
            $"How the webhooks of {Escape(model.Title)} are read and written: each member by its exact name in the document, numbers\n"
            + "only as JSON numbers, nulls left out when written. <see cref=\"Options\"/> refuses a body that breaks its schema: a\n"
            + "required member missing, null where the schema allows no null, a member given twice, a member that a closed schema\n"
            + "does not declare. <see cref=\"LenientOptions\"/> accepts a required member missing or null, left null or default although\n"
            + "its C# type says it is set, and drops an undeclared member.");
        writer.WriteLine($"public static class {model.JsonName}");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("/// <summary>Reads a body as its schema says, or refuses it; writes what was read back as it came.</summary>");
        writer.WriteLine("public static global::System.Text.Json.JsonSerializerOptions Options { get; } = Create(lenient: false);");
        writer.WriteLineNoTabs("");
        writer.WriteLine(
            "/// <summary>As <see cref=\"Options\"/>, but missing required members and undeclared members are let through.</summary>");
        writer.WriteLine("public static global::System.Text.Json.JsonSerializerOptions LenientOptions { get; } = Create(lenient: true);");
        writer.WriteLineNoTabs("");
        writer.WriteLine("private static global::System.Text.Json.JsonSerializerOptions Create(bool lenient)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("var resolver = new global::System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();");
        writer.WriteLine("if (lenient)");
        writer.WriteLine("{");
        writer.WriteLine("    resolver.Modifiers.Add(static type =>");
        writer.WriteLine("    {");
        writer.WriteLine("        if (type.Kind == global::System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)");
        writer.WriteLine("        {");
        writer.WriteLine("            type.UnmappedMemberHandling = null;");
        writer.WriteLine("            foreach (var property in type.Properties)");
        writer.WriteLine("            {");
        writer.WriteLine("                property.IsRequired = false;");
        writer.WriteLine("            }");
        writer.WriteLine("        }");
        writer.WriteLine("    });");
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("var options = new global::System.Text.Json.JsonSerializerOptions");
        writer.WriteLine("{");
        writer.WriteLine("    AllowDuplicateProperties = false,");
        writer.WriteLine($"    DefaultIgnoreCondition = {Attributes}.JsonIgnoreCondition.WhenWritingNull,");
        writer.WriteLine("    RespectNullableAnnotations = !lenient,");
        writer.WriteLine("    TypeInfoResolver = resolver,");
        writer.WriteLine("};");
        writer.WriteLine("options.MakeReadOnly();");
        writer.WriteLine("return options;");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        WriteEnumConverters(writer);
        writer.Indent--;
        writer.WriteLine("}");
    }

    /// <summary>
    /// The enums' converters: a string enum takes its strings only (System.Text.Json's own converter takes numbers too, any number);
    /// a number enum takes the numbers it lists only (System.Text.Json takes any).
    /// </summary>
    private static void WriteEnumConverters(IndentedTextWriter writer)
    {
        writer.WriteLine(
            "/// <summary>Reads and writes a string enum by its JSON strings; a number or another string is refused.</summary>");
        writer.WriteLine("/// <typeparam name=\"TEnum\">The enum.</typeparam>");
        writer.WriteLine("public sealed class Strings<TEnum>()");
        writer.WriteLine($"    : {Attributes}.JsonStringEnumConverter<TEnum>(null, allowIntegerValues: false)");
        writer.WriteLine("    where TEnum : struct, global::System.Enum;");
        writer.WriteLineNoTabs("");
        writer.WriteLine("/// <summary>Reads and writes a number enum by its numbers; another number, or a string, is refused.</summary>");
        writer.WriteLine("/// <typeparam name=\"TEnum\">The enum, of <c>long</c>.</typeparam>");
        writer.WriteLine($"public sealed class WholeNumbers<TEnum> : {Attributes}.JsonConverter<TEnum>");
        writer.WriteLine("    where TEnum : struct, global::System.Enum");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("/// <inheritdoc/>");
        writer.WriteLine("public override TEnum Read(");
        writer.WriteLine("    ref global::System.Text.Json.Utf8JsonReader reader,");
        writer.WriteLine("    global::System.Type typeToConvert,");
        writer.WriteLine("    global::System.Text.Json.JsonSerializerOptions options)");
        writer.WriteLine("{");
        writer.WriteLine("    if (reader.TokenType == global::System.Text.Json.JsonTokenType.Number && reader.TryGetInt64(out var number)");
        writer.WriteLine("        && global::System.Enum.IsDefined(typeof(TEnum), number))");
        writer.WriteLine("    {");
        writer.WriteLine("        return (TEnum)global::System.Enum.ToObject(typeof(TEnum), number);");
        writer.WriteLine("    }");
        writer.WriteLineNoTabs("");
        writer.WriteLine(
            "    var numbers = global::System.Linq.Enumerable.Cast<long>(global::System.Enum.GetValuesAsUnderlyingType<TEnum>());");
        writer.WriteLine("    throw new global::System.Text.Json.JsonException(");
        writer.WriteLine("        \"One of these numbers is expected: \" + string.Join(\", \", numbers) + \".\");");
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("/// <inheritdoc/>");
        writer.WriteLine("public override void Write(");
        writer.WriteLine("    global::System.Text.Json.Utf8JsonWriter writer,");
        writer.WriteLine("    TEnum value,");
        writer.WriteLine("    global::System.Text.Json.JsonSerializerOptions options)");
        writer.WriteLine("{");
        writer.WriteLine("    global::System.ArgumentNullException.ThrowIfNull(writer);");
        writer.WriteLine("    writer.WriteNumberValue(");
        writer.WriteLine("        global::System.Convert.ToInt64(value, global::System.Globalization.CultureInfo.InvariantCulture));");
        writer.WriteLine("}");
        writer.Indent--;
        writer.WriteLine("}");
    }

    private static void WriteExtensions(IndentedTextWriter writer, ReceiverModel model)
    {
        Summary(writer, $"Maps the webhooks of {Escape(model.Title)} to an <see cref=\"{model.InterfaceName}\"/>.");
        writer.WriteLine($"public static class {model.ExtensionsName}");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("/// <summary>");
        writer.WriteLine(
            "/// Maps each webhook as <c>POST {prefix}/{webhook name}</c> (or the method the document gives), verified by");
        writer.WriteLine("/// Hookline.Receiving (<c>AddWebhookReceiving()</c>):");
        foreach (var webhook in model.Webhooks)
        {
            var handler = $"{model.InterfaceName}.Handle{webhook.MethodName}Async";
            writer.WriteLine($"/// <c>{webhook.HttpMethod} {Escape(Route(webhook))}</c> calls <see cref=\"{handler}\"/>;");
        }

        writer.WriteLine($"/// the <see cref=\"{model.InterfaceName}\"/> comes from the request's services.");
        writer.WriteLine("/// A body that breaks its schema is answered 400 with a problem naming the member,");
        writer.WriteLine("/// and the handler is not called.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <param name=\"endpoints\">The app or a route group.</param>");
        writer.WriteLine("/// <param name=\"prefix\">The routes' prefix, e.g. <c>/hooks</c>.</param>");
        writer.WriteLine(
            "/// <param name=\"sender\">A named sender's secrets (<c>AddWebhookReceiving(sender)</c>), or the default sender's.</param>");
        writer.WriteLine(
            $"/// <param name=\"lenient\">Read bodies with <see cref=\"{model.JsonName}.LenientOptions\"/>:");
        writer.WriteLine("/// accept a required member missing (for a sender whose payloads break their own schema),");
        writer.WriteLine("/// at the cost of members null that the types say are set.</param>");
        writer.WriteLine("/// <returns>The webhooks' route group, to add authorization, rate limits or metadata to all of them.</returns>");
        writer.WriteLine($"public static global::Microsoft.AspNetCore.Builder.IEndpointConventionBuilder {model.MapMethodName}(");
        writer.WriteLine("    this global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints,");
        writer.WriteLine("    string prefix,");
        writer.WriteLine("    string? sender = null,");
        writer.WriteLine("    bool lenient = false)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(endpoints);");
        writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(prefix);");
        writer.WriteLine($"var json = lenient ? {model.JsonName}.LenientOptions : {model.JsonName}.Options;");
        writer.WriteLine("var group = endpoints.MapGroup(prefix);");
        foreach (var webhook in model.Webhooks)
        {
            writer.WriteLine($"group.MapMethods(");
            writer.Indent++;
            writer.WriteLine($"{CSharpNames.Literal(Route(webhook))},");
            writer.WriteLine($"[{CSharpNames.Literal(webhook.HttpMethod)}],");
            writer.WriteLine("(global::Microsoft.AspNetCore.Http.HttpContext context,");
            writer.WriteLine($"    [global::Microsoft.AspNetCore.Mvc.FromServices] {model.InterfaceName} receiver) =>");
            writer.WriteLine($"    ReceiveAsync<{webhook.PayloadType}>(context, json, receiver.Handle{webhook.MethodName}Async))");
            writer.WriteLine($".Accepts<{webhook.PayloadType}>(\"application/json\")");
            writer.WriteLine(".Produces(204)");
            writer.WriteLine(".ProducesProblem(400)");
            writer.WriteLine(".ProducesProblem(401)");
            writer.WriteLine(".ProducesProblem(409)");
            writer.WriteLine(".ProducesProblem(413)");
            writer.WriteLine(".ProducesProblem(415)");
            writer.Write(".VerifyWebhookSignature(sender)");
            if (webhook.Summary is { } summary)
            {
                writer.WriteLine();
                writer.Write($".WithSummary({CSharpNames.Literal(summary)})");
            }

            if (webhook.Description is { } description)
            {
                writer.WriteLine();
                writer.Write($".WithDescription({CSharpNames.Literal(description)})");
            }

            writer.WriteLine(";");
            writer.Indent--;
        }

        writer.WriteLine("return group;");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        WriteReceive(writer);
        writer.Indent--;
        writer.WriteLine("}");
    }

    /// <summary>
    /// The generated receiver's one body reader: the body read with the receiver's options (routing has already answered 415 to one
    /// that is not JSON, as the endpoint <c>Accepts</c> only JSON), a refusal named for the sender.
    /// </summary>
    private static void WriteReceive(IndentedTextWriter writer)
    {
        writer.WriteLine(
            "private static async global::System.Threading.Tasks.Task<global::Microsoft.AspNetCore.Http.IResult> "
            + "ReceiveAsync<TPayload>(");
        writer.WriteLine("    global::Microsoft.AspNetCore.Http.HttpContext context,");
        writer.WriteLine("    global::System.Text.Json.JsonSerializerOptions json,");
        writer.WriteLine(
            "    global::System.Func<TPayload, string, global::System.Threading.CancellationToken, global::System.Threading.Tasks.Task>"
            + " handle)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("TPayload? payload;");
        writer.WriteLine("try");
        writer.WriteLine("{");
        writer.WriteLine("    payload = await global::System.Text.Json.JsonSerializer.DeserializeAsync<TPayload>(");
        writer.WriteLine("        context.Request.Body, json, context.RequestAborted).ConfigureAwait(false);");
        writer.WriteLine("}");
        writer.WriteLine("catch (global::System.Text.Json.JsonException e)");
        writer.WriteLine("{");
        writer.WriteLine("    // The message names the member (its path, or the required ones missing), or else the path does.");
        writer.WriteLine("    var detail = e.Path is { } path && !e.Message.Contains(path, global::System.StringComparison.Ordinal)");
        writer.WriteLine("        ? $\"{e.Message} (at {path})\"");
        writer.WriteLine("        : e.Message;");
        writer.WriteLine("    return global::Microsoft.AspNetCore.Http.TypedResults.Problem(");
        writer.WriteLine("        detail, statusCode: 400, title: \"The webhook's body does not match its schema\");");
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("if (payload is null)");
        writer.WriteLine("{");
        writer.WriteLine("    return global::Microsoft.AspNetCore.Http.TypedResults.Problem(");
        writer.WriteLine("        \"The body is the JSON null; the webhook's schema asks for a value.\",");
        writer.WriteLine("        statusCode: 400,");
        writer.WriteLine("        title: \"The webhook's body does not match its schema\");");
        writer.WriteLine("}");
        writer.WriteLineNoTabs("");
        writer.WriteLine("var webhookId = context.Request.Headers[\"webhook-id\"].ToString();");
        writer.WriteLine("await handle(payload, webhookId, context.RequestAborted).ConfigureAwait(false);");
        writer.WriteLine("return global::Microsoft.AspNetCore.Http.TypedResults.NoContent();");
        writer.Indent--;
        writer.WriteLine("}");
    }

    /// <summary>
    /// The route under the prefix: <c>/</c> and the webhook's name, escaped so that no character means anything to routing.
    /// </summary>
    private static string Route(WebhookModel webhook) => "/" + Uri.EscapeDataString(webhook.Name);
}
