using Hookline.Tests.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Retention;

public sealed class WebhookRetentionTests
{
    [Fact]
    public async Task Start_DeletesMessagesOlderThanTheRetentionWithTheirLog()
    {
        // Starts from the real now, 31 days ago, and jumps to the real now: the receiver sees ordinary timestamps.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-31));
        await using var receiver = await TestReceiver.StartAsync();
        var file = SqliteTestFiles.NewPath();
        try
        {
            string old;
            await using (var past = await WebhookDispatcherTests.StartAsync(services: s => s.AddSingleton<TimeProvider>(time), file: file))
            {
                await past.Endpoints.CreateAsync(new() { Url = receiver.Url });
                old = (await past.Publisher.PublishAsync("ping", new Ping(1))).MessageId;
                await WebhookDispatcherTests.AttemptsAsync(past, old, 1);
            }

            time.Advance(TimeSpan.FromDays(31));
            await using var now = await WebhookDispatcherTests.StartAsync(services: s => s.AddSingleton<TimeProvider>(time), file: file);
            var recent = (await now.Publisher.PublishAsync("ping", new Ping(2))).MessageId;

            await Eventually.HoldsAsync(async () => (await now.Log.ListDeliveriesAsync(old, default)).Count == 0, "the 31-day-old message is deleted");
            Assert.Empty(await now.Log.ListAttemptsAsync(old, default));
            await WebhookDispatcherTests.AttemptsAsync(now, recent, 1);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }
}
