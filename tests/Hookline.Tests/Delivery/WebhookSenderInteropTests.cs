using System.Text;
using Hookline.Storage;

namespace Hookline.Tests.Delivery;

/// <summary>Our signed requests, checked by the official Standard Webhooks library (npm) in a Node receiver.</summary>
public sealed class WebhookSenderInteropTests : IDisposable
{
    private readonly TestSender _sender = CreateSender();

    public void Dispose() => _sender.Dispose();

    [RequiresFact(Requirement.NodeTools)]
    public async Task Send_SignedRequest_VerifiesWithTheOfficialLibrary()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await NodeReceiver.StartAsync(secret);

        var outcome = await _sender.SendAsync(Delivery(receiver.Url, new WebhookEndpointSecret(secret, DateTimeOffset.UnixEpoch)), default);

        Assert.True(outcome.StatusCode == 204, $"The official library refused the signature: {outcome.StatusCode} {outcome.ResponseBody} {outcome.Error}");
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Send_DuringRotation_VerifiesWithTheOldAndTheNewSecret()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        WebhookEndpointSecret[] secrets = [new(old, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue), new(next, DateTimeOffset.UnixEpoch)];

        foreach (var secret in new[] { old, next })
        {
            await using var receiver = await NodeReceiver.StartAsync(secret);
            Assert.Equal(204, (await _sender.SendAsync(Delivery(receiver.Url, secrets), default)).StatusCode);
        }
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Send_OtherSecret_IsRefusedByTheOfficialLibrary()
    {
        await using var receiver = await NodeReceiver.StartAsync(WebhookSecret.Generate());

        var outcome = await _sender.SendAsync(Delivery(receiver.Url, new WebhookEndpointSecret(WebhookSecret.Generate(), DateTimeOffset.UnixEpoch)), default);

        Assert.Equal(400, outcome.StatusCode);
        Assert.Contains("signature", outcome.ResponseBody, StringComparison.OrdinalIgnoreCase);
    }

    private static TestSender CreateSender()
    {
        var options = new WebhookOptions();
        options.Delivery.AllowedNetworks = ["127.0.0.0/8"];
        options.Delivery.RequireHttps = false;
        return TestSenders.Create(options);
    }

    private static WebhookLeasedDelivery Delivery(string url, params WebhookEndpointSecret[] secrets) => TestSenders.Delivery(
        url, Encoding.UTF8.GetBytes("""{"username":"morty","monthlyFee":9.99,"startDate":"2026-11-23T12:00:00+00:00"}"""), secrets);
}
