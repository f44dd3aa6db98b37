using Microsoft.OpenApi;

namespace Hookline.Cli.Generating;

/// <summary>
/// A document's webhooks, read: each name with its path item, whether from <c>webhooks</c> (3.1) or <c>x-webhooks</c> (3.0).
/// </summary>
/// <param name="Source">The file or URL it came from, for messages.</param>
/// <param name="Document">The whole document: its info and components.</param>
/// <param name="Webhooks">The webhooks, by name (ordinal).</param>
internal sealed record WebhookDocument(
    string Source, OpenApiDocument Document, IReadOnlyList<KeyValuePair<string, IOpenApiPathItem>> Webhooks);
