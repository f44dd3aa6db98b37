using System.Text.Json.Serialization;
using Hookline.Storage;

namespace Hookline.PostgreSql;

/// <summary>JSON for the secrets column.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<WebhookEndpointSecret>))]
internal sealed partial class PostgreSqlJsonContext : JsonSerializerContext;
