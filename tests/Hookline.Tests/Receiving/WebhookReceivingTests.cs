using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;

namespace Hookline.Tests.Receiving;

/// <summary>Hookline.Receiving on a real Kestrel receiver: verified requests reach the handlers typed, the rest are refused.</summary>
public sealed class WebhookReceivingTests
{
    private const string Path = "/hooks/new-subscription";
    private const string Body = """{"username":"Zoë","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""";
    private static readonly Subscription s_expected = new("Zoë", 9.99m, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private static readonly string s_secret = WebhookSecret.Generate();

    [Fact]
    public async Task MapWebhook_SignedByHookline_ReachesTheHandlerTypedAndEqual()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var response = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(s_expected, Assert.Single(receiver.Received));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task MapWebhook_SignedByTheOfficialNpmLibrary_ReachesTheHandlerTypedAndEqual()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret], now: DateTimeOffset.UtcNow);
        var timestamp = receiver.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = await NodeTool.WithFileAsync(
            Body, file => NodeTool.RunAsync("standard-webhooks.mjs", "sign", s_secret, "msg_npm", timestamp, file));

        using var response = await receiver.PostAsync(Path, Body, "msg_npm", timestamp, signature);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(s_expected, Assert.Single(receiver.Received));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "wrong secret", "NoMatchingSignature" },
        { "tampered body", "NoMatchingSignature" },
        { "no signature header", "MissingHeader" },
        { "no headers", "MissingHeader" },
        { "timestamp not a number", "InvalidTimestamp" },
        { "timestamp 6 minutes old", "TimestampTooOld" },
        { "timestamp 6 minutes ahead", "TimestampInFuture" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task MapWebhook_BadRequest_Is401ProblemNamingTheCheck_WithoutBodyOrSecret_AndTheHandlerIsNotCalled(
        string scenario, string check)
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);
        var now = receiver.Time.GetUtcNow().ToUnixTimeSeconds();
        var (secret, body, timestamp) = scenario switch
        {
            "wrong secret" => (WebhookSecret.Generate(), Body, now.ToString(CultureInfo.InvariantCulture)),
            "timestamp not a number" => (s_secret, Body, "yesterday"),
            "timestamp 6 minutes old" => (s_secret, Body, (now - 360).ToString(CultureInfo.InvariantCulture)),
            "timestamp 6 minutes ahead" => (s_secret, Body, (now + 360).ToString(CultureInfo.InvariantCulture)),
            _ => (s_secret, Body, now.ToString(CultureInfo.InvariantCulture)),
        };
        var signed = long.TryParse(timestamp, out var seconds) ? seconds : now;
        var signature = WebhookSigner.Sign([WebhookSecret.Parse(secret)], "msg_1", signed, Encoding.UTF8.GetBytes(body));
        var sent = scenario == "tampered body" ? Body.Replace("9.99", "0.01", StringComparison.Ordinal) : body;

        using var response = scenario switch
        {
            "no signature header" => await receiver.PostAsync(Path, sent, "msg_1", timestamp, null),
            "no headers" => await receiver.PostAsync(Path, sent, null, null, null),
            _ => await receiver.PostAsync(Path, sent, "msg_1", timestamp, signature),
        };

        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((401, check), (problem["status"]!.GetValue<int>(), problem["failedCheck"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]!.GetValue<string>()));
        Assert.DoesNotContain("whsec_", text, StringComparison.Ordinal);
        Assert.DoesNotContain(s_secret["whsec_".Length..], text, StringComparison.Ordinal);
        Assert.DoesNotContain("username", text, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
        var logs = receiver.Logs.Messages;
        Assert.DoesNotContain(logs, m => m.Contains(s_secret, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, m => m.Contains("username", StringComparison.Ordinal));
        Assert.Contains(logs, m => m.Contains("Refused webhook", StringComparison.Ordinal) && m.Contains(check, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MapWebhook_DuringARotation_AcceptsTheOldAndTheNewSecret()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [old, next]);

        using var byOld = await receiver.PostSignedAsync(Path, Body, "msg_old", old);
        using var byNew = await receiver.PostSignedAsync(Path, Body, "msg_new", next);
        using var byOther = await receiver.PostSignedAsync(Path, Body, "msg_other", WebhookSecret.Generate());

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.Unauthorized],
            new[] { byOld.StatusCode, byNew.StatusCode, byOther.StatusCode });
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Secrets_FromConfiguration_VerifyWithEither()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        await using var receiver = await ReceiverApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["WebhookReceiving:Secrets:0"] = old,
            ["WebhookReceiving:Secrets:1"] = next,
        });

        using var byOld = await receiver.PostSignedAsync(Path, Body, "msg_old", old);
        using var byNew = await receiver.PostSignedAsync(Path, Body, "msg_new", next);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (byOld.StatusCode, byNew.StatusCode));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task OpenApiDocument_WithVerifiedRoutes_IsValidOpenApi31()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        await OpenApiValidator.AssertValidAsync(await receiver.Client.GetStringAsync("/openapi/v1.json"), "3.1");
    }

    [Fact]
    public async Task VerifyWebhookSignature_WithoutAddWebhookReceiving_FailsSayingWhatToCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/hooks", () => TypedResults.NoContent()).VerifyWebhookSignature();
        await app.StartAsync();

        using var client = app.GetTestClient();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PostAsync("/hooks", new StringContent("{}")));

        Assert.Contains("builder.Services.AddWebhookReceiving()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteGroup_VerifiesEveryEndpoint_AndTheHandlerCanStillReadTheBody()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var signed = await receiver.PostSignedAsync("/group/raw", Body, "msg_1", s_secret);
        using var unsigned = await receiver.PostAsync("/group/raw", Body, null, null, null);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.Unauthorized), (signed.StatusCode, unsigned.StatusCode));
        Assert.Equal(s_expected, Assert.Single(receiver.Received));
    }

    [Fact]
    public async Task Controller_WithTheAttribute_IsVerifiedBeforeModelBinding()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var signed = await receiver.PostSignedAsync("/controller/subscription", Body, "msg_1", s_secret);
        using var forged = await receiver.PostSignedAsync("/controller/subscription", Body, "msg_2", WebhookSecret.Generate());

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.Unauthorized), (signed.StatusCode, forged.StatusCode));
        Assert.Equal("NoMatchingSignature", JsonNode.Parse(await forged.Content.ReadAsStringAsync())!["failedCheck"]!.GetValue<string>());
        Assert.Equal(s_expected, Assert.Single(receiver.Received));
    }

    [Fact]
    public async Task Body_OverTheLimit_Is413AndNotRead()
    {
        await using var receiver = await ReceiverApp.StartAsync(o =>
        {
            o.Secrets = [s_secret];
            o.MaxBodyBytes = 80;
        });
        var large = JsonSerializer.Serialize(s_expected with { Username = new string('z', 100) }, JsonSerializerOptions.Web);

        using var response = await receiver.PostSignedAsync(Path, large, "msg_1", s_secret);
        const string Small = """{"username":"z","monthlyFee":1,"startDate":"2026-11-23T10:00:00Z"}""";
        using var small = await receiver.PostSignedAsync(Path, Small, "msg_2", s_secret);

        Assert.Equal(
            (HttpStatusCode.RequestEntityTooLarge, "application/problem+json", HttpStatusCode.NoContent),
            (response.StatusCode, response.Content.Headers.ContentType?.MediaType, small.StatusCode));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheTypedRoute_WithItsBodyHeadersAndRefusals()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var served = await receiver.Client.GetAsync("/openapi/v1.json");
        Assert.True(served.IsSuccessStatusCode, string.Join("\n", receiver.Logs.Messages));
        var document = JsonNode.Parse(await served.Content.ReadAsStringAsync())!;

        var operation = document["paths"]![Path]!["post"]!;
        Assert.Equal(
            "#/components/schemas/Subscription",
            operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        var headers = operation["parameters"]!.AsArray()
            .Where(p => p!["in"]!.GetValue<string>() == "header" && p["required"]!.GetValue<bool>())
            .Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal([WebhookHeaders.Id, WebhookHeaders.Timestamp, WebhookHeaders.Signature], headers);
        Assert.NotNull(operation["responses"]!["401"]);
        Assert.NotNull(document["components"]!["schemas"]!["Subscription"]!["properties"]!["monthlyFee"]);
        Assert.NotNull(document["paths"]!["/controller/subscription"]!["post"]!["parameters"]);
    }
}
