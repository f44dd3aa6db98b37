using System.Text.Json.Serialization;
using Hookline.Storage;

namespace Hookline.Sqlite;

/// <summary>JSON for the list columns (event types, secrets).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<WebhookEndpointSecret>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
