using System.Text.Json.Serialization;

namespace Hookline.Sqlite;

/// <summary>JSON for the list and map columns (event types, secrets, filters).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<WebhookEndpointSecret>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
