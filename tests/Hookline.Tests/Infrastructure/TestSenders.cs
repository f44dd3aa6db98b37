using Hookline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Hookline.Tests;

/// <summary>
/// A <see cref="WebhookSender"/> on its own, as the dispatcher has it (its client from IHttpClientFactory, configured as
/// AddWebhooks does), for deliveries whose secrets are in the clear.
/// </summary>
internal static class TestSenders
{
    /// <param name="options">Hookline's options.</param>
    /// <param name="time">The clock; the system's by default.</param>
    /// <param name="services">What the app adds, e.g. its configuration of the delivery client.</param>
    /// <param name="servicesFirst">Whether the app adds them before Hookline registers the client (after, by default).</param>
    public static TestSender Create(
        WebhookOptions options, TimeProvider? time = null, Action<IServiceCollection>? services = null, bool servicesFirst = false)
    {
        var collection = new ServiceCollection();
        if (servicesFirst)
        {
            services?.Invoke(collection);
        }

        collection.AddLogging();
        collection.AddSingleton(Options.Create(options));
        collection.AddSingleton(new DestinationPolicy(Options.Create(options)));
        collection.AddSingleton(new EndpointSecretProtector(new EphemeralDataProtectionProvider()));
        collection.AddSingleton(time ?? TimeProvider.System);
        collection.AddSingleton<WebhookSender>();
        collection.AddWebhookHttpClient();
        if (!servicesFirst)
        {
            services?.Invoke(collection);
        }

        return new TestSender(collection.BuildServiceProvider());
    }

    /// <summary>One message's delivery to <paramref name="url"/>, signed with <paramref name="secrets"/>, as a lease hands it out.</summary>
    public static WebhookLeasedDelivery Delivery(string url, byte[] payload, params WebhookEndpointSecret[] secrets) => new()
    {
        Id = 1,
        Attempts = 0,
        MessageId = "msg_1",
        EventType = "new-subscription",
        Method = "POST",
        Payload = payload,
        EndpointId = "ep_1",
        Url = url,
        Secrets = secrets,
    };
}

/// <summary>A sender and the services it came from, disposed together.</summary>
internal sealed class TestSender(ServiceProvider services) : IDisposable
{
    public Task<AttemptOutcome> SendAsync(WebhookLeasedDelivery delivery, CancellationToken cancellationToken) =>
        services.GetRequiredService<WebhookSender>().SendAsync(delivery, cancellationToken);

    public void Dispose() => services.Dispose();
}
