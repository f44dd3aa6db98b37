using System.Net;
using Hookline.Receiving;
using Microsoft.Extensions.Options;

namespace Hookline.Tests.Receiving;

/// <summary>What the receiving options accept, checked when the app starts, with errors that never print a secret.</summary>
public sealed class WebhookReceivingOptionsTests
{
    [Fact]
    public async Task Start_NoSecretsNorPublicKeys_FailsSayingWhereToSetThem()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(_ => { }));

        Assert.Contains("No webhook secret or public key is configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookReceiving:Secrets (whsec_ secrets)", error.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookReceiving:PublicKeys (whpk_ public keys)", error.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookReceiving:PublicKeysUrl", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> EnoughToVerify => new() { "secret", "public key", "key set URL" };

    [Theory]
    [MemberData(nameof(EnoughToVerify))]
    public async Task Start_AnyOneWayToVerify_Starts(string configured) =>
        await StartAsync(o =>
        {
            if (configured == "secret")
            {
                o.Secrets = [WebhookSecret.Generate()];
            }
            else if (configured == "public key")
            {
                o.PublicKeys = [WebhookSigningKey.Parse(WebhookSigningKey.Generate()).PublicKey.ToString()];
            }
            else
            {
                o.PublicKeysUrl = new Uri("https://keys.example.com/webhooks/jwks.json"); // fetched on the first request, not at start
            }
        });

    [Fact]
    public async Task Start_MalformedPublicKey_FailsSayingWhichAndHow_WithoutPrintingAKeyGivenByMistake()
    {
        var good = WebhookSigningKey.Parse(WebhookSigningKey.Generate()).PublicKey.ToString();
        var signingKey = WebhookSigningKey.Generate();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.PublicKeys = [good, signingKey]));

        Assert.Contains(
            "PublicKeys[1] is malformed: This is a signing key ('whsk_'), which stays with the sender",
            error.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain(signingKey["whsk_".Length..], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://keys.example.com/jwks.json")]
    [InlineData("ftp://127.0.0.1/jwks.json")]
    [InlineData("/jwks.json")]
    public async Task Start_KeySetUrlNotHttpsNorLoopback_Fails(string url)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => StartAsync(o => o.PublicKeysUrl = new Uri(url, UriKind.RelativeOrAbsolute)));

        Assert.Contains(
            "WebhookReceiving:PublicKeysUrl must be an absolute https URL (http only to localhost or a loopback address)",
            error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/jwks.json")]
    [InlineData("http://localhost/jwks.json")]
    [InlineData("http://[::1]/jwks.json")]
    public async Task Start_KeySetUrlOverHttpToLoopback_Starts(string url) => await StartAsync(o => o.PublicKeysUrl = new Uri(url));

    [Fact]
    public async Task Start_KeySetRefreshIntervalUnderAMinute_Fails()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o =>
        {
            o.PublicKeysUrl = new Uri("https://keys.example.com/jwks.json");
            o.PublicKeysRefreshInterval = TimeSpan.FromSeconds(30);
        }));

        Assert.Contains(
            "WebhookReceiving:PublicKeysRefreshInterval must be from 1 minute to 1 day", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MalformedSecret_FailsSayingWhichAndHow_WithoutPrintingIt()
    {
        var good = WebhookSecret.Generate();
        const string Bad = "whsec_c2hvcnQ="; // a 5-byte key

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.Secrets = [good, Bad]));

        Assert.Contains("Secrets[1] is malformed", error.Message, StringComparison.Ordinal);
        Assert.Contains("24 to 64 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(good, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SecretWithoutPrefix_Fails()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.Secrets = ["hunter2-is-not-a-secret"]));

        Assert.Contains("Secrets[0] is malformed: A webhook secret starts with 'whsec_'.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ZeroToleranceOrBodyLimit_Fails()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o =>
        {
            o.Secrets = [WebhookSecret.Generate()];
            o.Tolerance = TimeSpan.Zero;
            o.MaxBodyBytes = 0;
        }));

        Assert.Contains("WebhookReceiving:Tolerance must be from 1 second to 1 day", error.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookReceiving:MaxBodyBytes must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreDocumented()
    {
        var options = new WebhookReceivingOptions();

        Assert.Equal((TimeSpan.FromMinutes(5), 1024 * 1024, true), (options.Tolerance, options.MaxBodyBytes, options.EnableReplayGuard));
        Assert.Empty(options.Secrets);
        Assert.Empty(options.PublicKeys);
        Assert.Equal((null, TimeSpan.FromHours(1)), (options.PublicKeysUrl, options.PublicKeysRefreshInterval));
    }

    [Fact]
    public async Task NamedSender_VerifiesWithItsOwnSecrets_FromItsConfigurationSection()
    {
        var ours = WebhookSecret.Generate();
        var billing = WebhookSecret.Generate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WebhookReceiving:Secrets:0"] = ours,
            ["WebhookReceiving:Senders:billing:Secrets:0"] = billing,
        });
        builder.Services.AddWebhookReceiving().AddWebhookReceiving("billing");
        await using var app = builder.Build();
        app.MapWebhook<Subscription>("/hooks/ours", (Subscription s) => TypedResults.NoContent());
        app.MapWebhook<Subscription>("/hooks/billing", (Subscription s) => TypedResults.NoContent(), sender: "billing");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var statuses = new List<HttpStatusCode>();
        var cases = new[] { ("/hooks/ours", ours), ("/hooks/ours", billing), ("/hooks/billing", billing), ("/hooks/billing", ours) };
        foreach (var (path, secret) in cases)
        {
            using var response = await client.SendAsync(Signed(path, secret));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.Unauthorized, HttpStatusCode.NoContent, HttpStatusCode.Unauthorized], statuses);
        await app.StopAsync();
    }

    [Fact]
    public void MapWebhook_HandlerWithoutThePayloadParameter_ThrowsAtMapping()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddWebhookReceiving(o => o.Secrets = [WebhookSecret.Generate()]);
        var app = builder.Build();

        var error = Assert.Throws<ArgumentException>(
            () => app.MapWebhook<Subscription>("/hooks/x", (string name) => TypedResults.NoContent()));

        Assert.Contains("has no Subscription parameter", error.Message, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Signed(string path, string secret)
    {
        const string Body = """{"username":"rick","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookHeaders.Id, "msg_named");
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(
            WebhookHeaders.Signature,
            WebhookSigner.Sign([WebhookSecret.Parse(secret)], "msg_named", timestamp, System.Text.Encoding.UTF8.GetBytes(Body)));
        return request;
    }

    private static async Task StartAsync(Action<WebhookReceivingOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddWebhookReceiving(configure);
        await using var app = builder.Build();
        await app.StartAsync();
        await app.StopAsync();
    }
}
