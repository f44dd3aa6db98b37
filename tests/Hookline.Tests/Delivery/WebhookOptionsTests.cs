using Microsoft.Extensions.Options;

namespace Hookline.Tests.Delivery;

public class WebhookOptionsTests
{
    [Fact]
    public void Options_BindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:Delivery:RetrySchedule:0"] = "00:00:01",
            ["Webhooks:Delivery:RetrySchedule:1"] = "00:00:02",
            ["Webhooks:Delivery:RetryJitter"] = "0",
            ["Webhooks:Delivery:DisableEndpointAfter"] = "1.00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddWebhooks();
        services.Configure<WebhookOptions>(configuration.GetSection("Webhooks"));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<WebhookOptions>>().Value;

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], options.Delivery.RetrySchedule!); // Replaces the default, not appended to it.
        Assert.Equal(0, options.Delivery.RetryJitter);
        Assert.Equal(TimeSpan.FromDays(1), options.Delivery.DisableEndpointAfter);
    }

    [Theory]
    [InlineData(1.0, "RetryJitter must be from 0 to below 1")]
    [InlineData(-0.1, "RetryJitter must be from 0 to below 1")]
    public Task Start_BadJitter_FailsNamingTheOption(double jitter, string expected) =>
        AssertStartFails(o => o.Delivery.RetryJitter = jitter, expected);

    [Fact]
    public Task Start_NegativeRetryWait_FailsNamingTheOption() =>
        AssertStartFails(o => o.Delivery.RetrySchedule = [TimeSpan.FromSeconds(-1)], "RetrySchedule must be a list of waits of zero or more");

    [Fact]
    public Task Start_ZeroDisableAfter_FailsNamingTheOption() =>
        AssertStartFails(o => o.Delivery.DisableEndpointAfter = TimeSpan.Zero, "DisableEndpointAfter must be positive");

    [Fact]
    public Task Start_NoConcurrency_FailsNamingTheOption() =>
        AssertStartFails(o => o.Delivery.MaxConcurrency = 0, "Webhooks:Delivery:MaxConcurrency must be positive");

    [Fact]
    public Task Start_NoConcurrencyPerEndpoint_FailsNamingTheOption() =>
        AssertStartFails(o => o.Delivery.MaxConcurrencyPerEndpoint = -1, "Webhooks:Delivery:MaxConcurrencyPerEndpoint must be positive");

    [Fact]
    public Task Start_ZeroPollInterval_FailsNamingTheOption() =>
        AssertStartFails(o => o.Delivery.PollInterval = TimeSpan.Zero, "Webhooks:Delivery:PollInterval must be positive");

    [Fact]
    public Task Start_ZeroRetention_FailsNamingTheOption() =>
        AssertStartFails(o => o.Retention = TimeSpan.Zero, "Webhooks:Retention must be positive");

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public Task Start_NoEndpointsPerTenant_FailsNamingTheOption(int max) =>
        AssertStartFails(o => o.MaxEndpointsPerTenant = max, "Webhooks:MaxEndpointsPerTenant must be positive, or null for no cap");

    [Fact]
    public Task Start_NoCostlyCallsPerMinute_FailsNamingTheOption() =>
        AssertStartFails(
            o => o.Management.CostlyCalls.PerMinute = 0, "Webhooks:Management:CostlyCalls:PerMinute must be positive, or null for no limit");

    [Fact]
    public Task Start_NoCostlyCallBurst_FailsNamingTheOption() =>
        AssertStartFails(o => o.Management.CostlyCalls.Burst = 0, "Webhooks:Management:CostlyCalls:Burst must be positive");

    [Theory]
    [InlineData(301, 10, 1000, "Webhooks:Management:Feed:MaxWait must be from 0 to 5 minutes")]
    [InlineData(-1, 10, 1000, "Webhooks:Management:Feed:MaxWait must be from 0 to 5 minutes")]
    [InlineData(30, 0, 1000, "Webhooks:Management:Feed:MaxWaitingPerTenant and MaxWaiting must be positive")]
    [InlineData(30, 10, 0, "Webhooks:Management:Feed:MaxWaitingPerTenant and MaxWaiting must be positive")]
    public Task Start_FeedLimitsOutOfRange_FailsNamingTheOption(int maxWaitSeconds, int perTenant, int all, string expected) =>
        AssertStartFails(
            o =>
            {
                o.Management.Feed.MaxWait = TimeSpan.FromSeconds(maxWaitSeconds);
                o.Management.Feed.MaxWaitingPerTenant = perTenant;
                o.Management.Feed.MaxWaiting = all;
            },
            expected);

    [Fact]
    public void FeedLimits_HaveTheirDocumentedDefaults_AndBindFromConfiguration()
    {
        var defaults = new WebhookOptions().Management.Feed;
        Assert.Equal((TimeSpan.FromSeconds(30), 10, 1_000), (defaults.MaxWait, defaults.MaxWaitingPerTenant, defaults.MaxWaiting));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:Management:Feed:MaxWait"] = "00:00:20",
            ["Webhooks:Management:Feed:MaxWaitingPerTenant"] = "2",
            ["Webhooks:Management:Feed:MaxWaiting"] = "50",
        }).Build();
        var services = new ServiceCollection();
        services.AddWebhooks(configuration.GetSection("Webhooks").Bind);

        var feed = services.BuildServiceProvider().GetRequiredService<IOptions<WebhookOptions>>().Value.Management.Feed;

        Assert.Equal((TimeSpan.FromSeconds(20), 2, 50), (feed.MaxWait, feed.MaxWaitingPerTenant, feed.MaxWaiting));
    }

    [Fact]
    public void TenantLimits_HaveTheirDocumentedDefaults_AndBindFromConfiguration()
    {
        var defaults = new WebhookOptions();
        Assert.Equal((100, 60, 20), (defaults.MaxEndpointsPerTenant, defaults.Management.CostlyCalls.PerMinute, defaults.Management.CostlyCalls.Burst));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:MaxEndpointsPerTenant"] = "7",
            ["Webhooks:Management:CostlyCalls:PerMinute"] = "12",
            ["Webhooks:Management:CostlyCalls:Burst"] = "3",
        }).Build();
        var services = new ServiceCollection();
        services.AddWebhooks();
        services.Configure<WebhookOptions>(configuration.GetSection("Webhooks"));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<WebhookOptions>>().Value;

        Assert.Equal((7, 12, 3), (options.MaxEndpointsPerTenant, options.Management.CostlyCalls.PerMinute, options.Management.CostlyCalls.Burst));
    }

    private static async Task AssertStartFails(Action<WebhookOptions> configure, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddWebhooks(configure);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, error.Message);
    }
}
