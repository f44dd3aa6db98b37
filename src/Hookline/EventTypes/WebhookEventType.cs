using System.Text.Json.Nodes;

namespace Hookline;

/// <summary>An event type endpoints can subscribe to.</summary>
/// <param name="Name">Its name: what endpoints list in <c>eventTypes</c>.</param>
/// <param name="Method">The HTTP method deliveries use.</param>
/// <param name="Summary">What it is, in a few words.</param>
/// <param name="Description">When it is sent, and what it carries.</param>
/// <param name="Schema">The JSON Schema (2020-12) of its payload, as in the API's OpenAPI document.</param>
/// <param name="Example">An example payload, valid against the schema: what a test event sends.</param>
public sealed record WebhookEventType(string Name, string Method, string Summary, string? Description, JsonNode Schema, JsonNode? Example);
