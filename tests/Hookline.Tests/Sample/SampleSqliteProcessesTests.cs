using System.Text.Json.Nodes;
using Hookline.Tests.Management;

namespace Hookline.Tests.Sample;

/// <summary>
/// One process delivers from a SQLite file: a second that would deliver too is refused at start, naming the fix; one that only
/// publishes runs beside it; and a killed process's claim ends with it.
/// </summary>
public sealed class SampleSqliteProcessesTests : IDisposable
{
    private readonly string _file = SqliteTestFiles.NewPath();

    public void Dispose() => SqliteTestFiles.Delete(_file);

    [Fact]
    public async Task SecondDeliveringProcess_IsRefusedWithTheFix_APublishingOneRuns_AndAKilledOnesClaimEnds()
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Webhooks"] = $"Data Source={_file}" };
        await using var receiver = await TestReceiver.StartAsync();
        await using var first = await SampleProcess.StartAsync(settings);

        await using (var second = SampleProcess.Launch(settings))
        {
            Assert.NotEqual(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"Another process delivers webhooks from '{_file}'", second.Output, StringComparison.Ordinal);
            Assert.Contains("use UsePostgreSql", second.Output, StringComparison.Ordinal);
            Assert.Contains("set Webhooks:Delivery:Enabled to false", second.Output, StringComparison.Ordinal);
        }

        // A process that only publishes shares the file; the first one delivers what it published.
        var publishing = new Dictionary<string, string>(settings) { ["Webhooks:Delivery:Enabled"] = "false" };
        await using (var publisher = await SampleProcess.StartAsync(publishing))
        {
            using var alice = publisher.Client(SampleFactory.AliceKey);
            await ManagementApi.RegisterAsync(alice, receiver.Url);
            await ManagementApi.SubscribeAsync(alice, "rick");
            await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "the first process delivers it");
        }

        Assert.Equal(137, await first.Process.KillAsync()); // 128 + SIGKILL: no shutdown code runs, the OS drops the lock.
        await using var next = await SampleProcess.StartAsync(settings);
        using var client = next.Client(SampleFactory.AliceKey);
        await ManagementApi.SubscribeAsync(client, "morty");
        await ManagementApi.EventuallyListsAsync(client, "/webhooks/attempts", a => a.Count == 2, "the next process delivers");
        Assert.Equal(["rick", "morty"], receiver.Requests.Select(r => JsonNode.Parse(r.Body)!["username"]!.GetValue<string>()));
    }
}
