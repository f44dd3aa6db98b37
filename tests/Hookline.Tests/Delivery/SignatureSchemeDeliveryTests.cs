namespace Hookline.Tests.Delivery;

/// <summary>
/// An endpoint that signs with <c>v1</c> and <c>v1a</c> gets both signatures on each delivery, from either store: its secret
/// verifies alone, its public key verifies alone, and neither verifies another endpoint's.
/// </summary>
public sealed class SignatureSchemeDeliveryTests
{
    [Fact]
    public async Task BothSchemes_OnSqlite_TheSecretAndThePublicKeyEachVerifyTheDelivery()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var host = await WebhookDispatcherTests.StartAsync();

        await DeliverAndVerifyAsync(host.Services, receiver);
    }

    [SkippableFact]
    public async Task BothSchemes_OnPostgreSql_TheSecretAndThePublicKeyEachVerifyTheDelivery()
    {
        TestPostgres.SkipUnlessAvailable();
        await using var receiver = await TestReceiver.StartAsync();
        await using var instances = new PostgresInstances();
        var app = await instances.StartAsync(o => o.Delivery.PollInterval = TimeSpan.FromMilliseconds(50));

        await DeliverAndVerifyAsync(app.Services, receiver);
    }

    private static async Task DeliverAndVerifyAsync(IServiceProvider services, TestReceiver receiver)
    {
        var endpoint = await services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(
            new() { Url = receiver.Url, SignatureSchemes = [WebhookSignatureScheme.V1, WebhookSignatureScheme.V1a] });
        var secret = WebhookSecret.Parse(endpoint.Secrets.Single(s => s.Scheme == WebhookSignatureScheme.V1).Value);
        var key = WebhookSigningKey.Parse(endpoint.Secrets.Single(s => s.Scheme == WebhookSignatureScheme.V1a).Value).PublicKey;

        await services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1));

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the delivery");
        var request = receiver.Requests[0];
        WebhookVerificationResult Verify(WebhookVerifier verifier) => verifier.Verify(
            request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], request.Body);
        Assert.Equal(WebhookVerificationResult.Verified, Verify(new WebhookVerifier(secret)));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(new WebhookVerifier(key)));
        var otherSecret = WebhookSecret.Parse(WebhookSecret.Generate());
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(new WebhookVerifier(otherSecret)));
        var other = WebhookSigningKey.Parse(WebhookSigningKey.Generate()).PublicKey;
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(new WebhookVerifier(other)));
    }
}
