using System.Text.Json.Serialization;

namespace Hookline.PostgreSql;

/// <summary>JSON for the secrets and filters columns.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<WebhookEndpointSecret>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PostgreSqlJsonContext : JsonSerializerContext;
