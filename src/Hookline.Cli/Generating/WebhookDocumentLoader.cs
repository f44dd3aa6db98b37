using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Hookline.Cli.Generating;

/// <summary>Reads an OpenAPI document (JSON or YAML, 3.0 or 3.1) from a file or an http(s) URL with Microsoft.OpenApi.</summary>
internal static class WebhookDocumentLoader
{
    private const string XWebhooks = "x-webhooks";
    private const string WebhookPathPrefix = "/x-webhooks/";

    /// <summary>Reads <paramref name="source"/>, a file path or an http(s) URL.</summary>
    /// <exception cref="GenerationException">It cannot be read, is no OpenAPI document, or has no webhooks.</exception>
    public static async Task<WebhookDocument> LoadAsync(string source, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        return Parse(await ReadAsync(source, http, cancellationToken).ConfigureAwait(false), source);
    }

    /// <summary>Parses a document's text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="GenerationException">It is no OpenAPI document, or has no webhooks.</exception>
    public static WebhookDocument Parse(string text, string source)
    {
        var document = ParseDocument(text, source);
        if (document.Webhooks is { Count: > 0 } webhooks)
        {
            return new(source, document, [.. webhooks.OrderBy(w => w.Key, StringComparer.Ordinal)]);
        }

        if (document.Extensions?.TryGetValue(XWebhooks, out var extension) == true
            && extension is JsonNodeExtension { Node: JsonObject found })
        {
            return FromExtension(document, found, source);
        }

        throw new GenerationException($"{source} has no webhooks: neither 'webhooks' (OpenAPI 3.1) nor 'x-webhooks' (3.0) lists any.");
    }

    private static async Task<string> ReadAsync(string source, HttpClient http, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            try
            {
                using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new GenerationException($"{source} answered {(int)response.StatusCode} {response.ReasonPhrase}, not a document.");
                }

                return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException error)
            {
                throw new GenerationException($"{source} could not be reached: {error.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new GenerationException($"{source} did not answer within {http.Timeout.TotalSeconds:0} seconds.");
            }
        }

        try
        {
            return await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new GenerationException($"{source} could not be read: {error.Message}");
        }
    }

    private static OpenApiDocument ParseDocument(string text, string source)
    {
        var format = text.TrimStart().StartsWith('{') ? OpenApiConstants.Json : OpenApiConstants.Yaml;
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        ReadResult result;
        try
        {
            result = OpenApiDocument.Parse(text, format, settings);
        }
        catch (Exception error)
            when (error is OpenApiException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new GenerationException($"{source} is not an OpenAPI document: {OneLine(error.Message)}");
        }

        if (result.Diagnostic?.Errors is { Count: > 0 } errors)
        {
            var first = errors[0];
            var at = string.IsNullOrEmpty(first.Pointer) ? "" : $" (at {first.Pointer})";
            throw new GenerationException($"{source} is not a valid OpenAPI document: {OneLine(first.Message)}{at}");
        }

        return result.Document ?? throw new GenerationException($"{source} is not an OpenAPI document.");
    }

    /// <summary>
    /// OpenAPI 3.0 has no <c>webhooks</c>; <c>x-webhooks</c> (Redoc's and Hookline's convention) is an extension Microsoft.OpenApi keeps as
    /// raw JSON. Its path items are read by the 3.0 reader itself, as paths of the same document (so <c>nullable</c>, <c>$ref</c>s to
    /// the components and the rest mean what 3.0 says), then given back their webhook names.
    /// </summary>
    private static WebhookDocument FromExtension(OpenApiDocument document, JsonObject webhooks, string source)
    {
        using var text = new StringWriter();
        document.SerializeAsV3(new OpenApiJsonWriter(text));
        var json = JsonNode.Parse(text.ToString())!.AsObject();
        var names = webhooks.Select(w => w.Key).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var paths = new JsonObject();
        for (var i = 0; i < names.Count; i++)
        {
            paths[WebhookPathPrefix + i] = webhooks[names[i]]?.DeepClone();
        }

        json["paths"] = paths;
        json.Remove(XWebhooks);
        var rewritten = ParseDocument(json.ToJsonString(), source);
        var found = new List<KeyValuePair<string, IOpenApiPathItem>>();
        for (var i = 0; i < names.Count; i++)
        {
            if (rewritten.Paths.TryGetValue(WebhookPathPrefix + i, out var item))
            {
                found.Add(new(names[i], item));
            }
        }

        return found.Count > 0
            ? new(source, rewritten, found)
            : throw new GenerationException($"{source} has no webhooks: 'x-webhooks' is empty.");
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
