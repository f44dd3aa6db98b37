using System.Net;
using System.Text.Json.Nodes;
using Hookline.Storage;

namespace Hookline.Tests.Management;

/// <summary>
/// A refused destination as its tenant sees it (the management API's answers, the attempt log the dashboard shows) and as the
/// operator does (the log), under the default policy, which refuses loopback: nothing is sent anywhere but to loopback, and
/// nothing reaches the receiver.
/// </summary>
public sealed class ManagementDestinationTests : IAsyncLifetime
{
    private const string ResolvedAddress = "127.0.0.1";
    private const string ConfigurationKey = "Webhooks:Delivery:AllowedNetworks";

    /// <summary>A name with a label over 63 characters: the resolver refuses it without asking any server.</summary>
    private static readonly string s_unresolvableHost = $"{new string('a', 64)}.example";

    private readonly string _file = SqliteTestFiles.NewPath();
    private readonly CapturingLoggerProvider _logs = new();
    private WebApplication _app = null!;
    private HttpClient _acme = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(_logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddOpenApi();
        builder.Services.AddWebhooks(o =>
        {
            o.Delivery.RequireHttps = false;
            o.Management.TenantResolver = _ => ValueTask.FromResult<string?>("acme");
        }).UseSqlite($"Data Source={_file}");
        _app = builder.Build();
        _app.Webhooks.MapPost<Ping>("ping");
        _app.MapOpenApi();
        _app.MapWebhookManagement("/hooks");
        await _app.StartAsync();
        _acme = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _acme.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteTestFiles.Delete(_file);
    }

    [Fact]
    public async Task Register_HostResolvingToLoopback_TellsTheTenantItIsNotAllowed_AndLogsTheAddressesAndTheFix()
    {
        using var response = await _acme.PostAsJsonAsync("/hooks/endpoints", new { url = "http://localhost:9/hook" });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonNode.Parse(body)!;
        Assert.Contains("not allowed", problem["errors"]!["url"]![0]!.GetValue<string>());
        Assert.DoesNotContain(ResolvedAddress, body);
        Assert.DoesNotContain("Loopback", body);
        Assert.DoesNotContain("AllowedNetworks", body);
        var logged = Assert.Single(_logs.Messages, m => m.Contains($"{ResolvedAddress} (Loopback)", StringComparison.Ordinal));
        Assert.Contains("localhost", logged);
        Assert.Contains(ConfigurationKey, logged);
        Assert.Contains("acme", logged);
    }

    [Fact]
    public async Task Register_HostThatDoesNotResolve_IsRefusedExactlyLikeOneResolvingToARefusedAddress()
    {
        using var refused = await _acme.PostAsJsonAsync("/hooks/endpoints", new { url = "http://localhost:9/hook" });
        using var unresolved = await _acme.PostAsJsonAsync("/hooks/endpoints", new { url = $"http://{s_unresolvableHost}/hook" });

        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, await ProblemAsync(refused)),
            (unresolved.StatusCode, await ProblemAsync(unresolved)));
    }

    [Fact]
    public async Task Attempt_ToHostResolvingToLoopback_RecordsWhatTheTenantCanChange_AndLogsTheAddressesAndTheFix()
    {
        await using var receiver = await TestReceiver.StartAsync();
        // Stored as is, as if registered while the name resolved to a public address: refused when connecting.
        var endpoint = await StoreEndpointAsync(receiver.Url.Replace(ResolvedAddress, "localhost", StringComparison.Ordinal));

        await _app.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1), tenant: "acme");
        var attempts = await ManagementApi.EventuallyListsAsync(_acme, "/hooks/attempts", a => a.Count > 0, "the refused attempt");

        var attempt = attempts[0]!;
        var error = attempt["error"]!.GetValue<string>();
        Assert.Equal("forbidden", attempt["errorKind"]!.GetValue<string>());
        Assert.Contains("not allowed", error);
        Assert.DoesNotContain(ResolvedAddress, attempt.ToJsonString());
        Assert.DoesNotContain("AllowedNetworks", attempt.ToJsonString());
        Assert.Empty(receiver.Requests);
        // Each attempt logs it (a retry may have come meanwhile): the first says it all.
        var logged = _logs.Messages.FirstOrDefault(m => m.Contains($"{ResolvedAddress} (Loopback)", StringComparison.Ordinal));
        Assert.NotNull(logged);
        Assert.Contains(ConfigurationKey, logged);
        Assert.Contains(endpoint.Id, logged);
    }

    private async Task<WebhookEndpoint> StoreEndpointAsync(string url)
    {
        var now = TimeProvider.System.GetUtcNow();
        var endpoint = new WebhookEndpoint
        {
            Id = WebhookIds.NewEndpointId(now),
            Tenant = "acme",
            Url = url,
            Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate(), now)],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await _app.Services.GetRequiredService<IWebhookEndpointStore>().CreateEndpointAsync(endpoint, null, default);
        return endpoint;
    }

    /// <summary>What a refusal says: its title, detail and errors (not its trace id).</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return $"{problem["title"]} {problem["detail"]} {problem["errors"]!.ToJsonString()}";
    }

    private sealed record Ping(int Number);
}
