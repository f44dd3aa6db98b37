using System.Text.Json;

namespace Hookline.Tests;

/// <summary>Independent checks of OpenAPI documents and of what is sent against them, by npm validators.</summary>
internal static class OpenApiValidator
{
    /// <summary>Asserts that <paramref name="documentJson"/> is valid against the official OpenAPI JSON Schema of its version and that every <c>$ref</c> resolves (npm <c>@seriousme/openapi-schema-validator</c>).</summary>
    public static async Task AssertValidAsync(string documentJson, string expectedVersion)
    {
        var output = await NodeTool.WithFileAsync(documentJson, file => NodeTool.RunAsync("validate-openapi.mjs", file));
        Assert.Equal($"valid OpenAPI {expectedVersion}", output);
    }

    /// <summary>Asserts that every body validates against the request body schema <paramref name="documentJson"/> declares for the webhook (Ajv, JSON Schema 2020-12).</summary>
    public static async Task AssertBodiesMatchAsync(string documentJson, string webhook, string method, IReadOnlyList<string> bodies)
    {
        var output = await NodeTool.WithFileAsync(documentJson, document => NodeTool.WithFileAsync(
            JsonSerializer.Serialize(bodies),
            file => NodeTool.RunAsync("validate-payloads.mjs", document, webhook, method, file)));
        Assert.Equal($"valid {bodies.Count}", output);
    }
}
