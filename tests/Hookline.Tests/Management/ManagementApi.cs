using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>Calls of the sample's management API (at <c>/webhooks</c>) and its subscriptions, as a tenant's client makes them.</summary>
internal static class ManagementApi
{
    public static async Task<JsonNode> RegisterAsync(HttpClient client, string url, string[]? eventTypes = null)
    {
        using var response = await client.PostAsJsonAsync("/webhooks/endpoints", new { url, eventTypes, description = "test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadAsync(response);
    }

    /// <summary>Registers a URL and starts the Node receiver (official library) on it, verifying with the secret the registration returned.</summary>
    public static async Task<(JsonNode Endpoint, NodeReceiver Receiver)> RegisterNodeReceiverAsync(HttpClient client, string[]? eventTypes = null)
    {
        var endpoint = await RegisterAsync(client, "http://127.0.0.1:9/hook", eventTypes);
        var receiver = await NodeReceiver.StartAsync(endpoint["secret"]!.GetValue<string>());
        await SetUrlAsync(client, endpoint["id"]!.GetValue<string>(), receiver.Url);
        return (endpoint, receiver);
    }

    public static async Task<JsonNode> SetUrlAsync(HttpClient client, string endpointId, string url)
    {
        using var response = await client.PutAsJsonAsync($"/webhooks/endpoints/{endpointId}", new { url });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync(response);
    }

    public static async Task SubscribeAsync(HttpClient client, string username)
    {
        using var response = await client.PostAsJsonAsync("/subscriptions", new { username, monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00+00:00" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ReadAsync(response);
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("The answer is null.");

    /// <summary>A message's only delivery: its endpoint, status and attempts.</summary>
    public static (string EndpointId, string Status, int Attempts) Delivery(JsonNode message)
    {
        var delivery = Assert.Single(message["deliveries"]!.AsArray())!;
        return (delivery["endpointId"]!.GetValue<string>(), delivery["status"]!.GetValue<string>(), delivery["attempts"]!.GetValue<int>());
    }

    /// <summary>Reads a list until it holds what <paramref name="done"/> wants.</summary>
    public static Task<JsonArray> EventuallyListsAsync(HttpClient client, string path, Func<JsonArray, bool> done, string what) =>
        Eventually.ReadsAsync(async () => (await GetAsync(client, path))["data"]!.AsArray(), done, what);
}
