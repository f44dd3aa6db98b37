using Hookline.Tests.Management;

namespace Hookline.Tests.Receiving;

/// <summary>The whole way: the sample app sends a real webhook to a receiver app built with MapWebhook&lt;T&gt;.</summary>
public sealed class ReceivingEndToEndTests
{
    [Fact]
    public async Task Sample_DeliversNewSubscription_ToAMapWebhookReceiver_TypedAndEqualToWhatWasPublished()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        // The secret comes with the registration; the receiver starts with it, then the endpoint is pointed at the receiver.
        var endpoint = await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/hook", ["new-subscription"]);
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [endpoint["secret"]!.GetValue<string>()]);
        await ManagementApi.SetUrlAsync(alice, endpoint["id"]!.GetValue<string>(), receiver.BaseUrl + "/hooks/new-subscription");

        await ManagementApi.SubscribeAsync(alice, "rick");

        await Eventually.HoldsAsync(() => Task.FromResult(!receiver.Received.IsEmpty), "the receiver's handler gets the delivery");
        await sample.NothingPendingAsync();
        var received = Assert.Single(receiver.Received);
        Assert.Equal(new Subscription("rick", 9.99m, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero)), received);
        var attempts = await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "the attempt is logged");
        var attempt = Assert.Single(attempts);
        Assert.Equal((204, true), (attempt!["statusCode"]!.GetValue<int>(), attempt["succeeded"]!.GetValue<bool>()));
    }
}
