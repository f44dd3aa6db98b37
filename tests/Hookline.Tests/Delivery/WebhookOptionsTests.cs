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
    [InlineData(30, 0, 1000, "Webhooks:Management:Feed:MaxWaitingPerTenant must be positive")]
    [InlineData(30, 10, 0, "Webhooks:Management:Feed:MaxWaiting must be positive")]
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

    /// <summary>Every rule, each broken by one value set as an operator writes it in configuration: refused, naming the key.</summary>
    [Theory]
    [InlineData("Webhooks:MaxPayloadBytes", "0", "Webhooks:MaxPayloadBytes must be positive")]
    [InlineData("Webhooks:MaxPayloadBytes", "-1", "Webhooks:MaxPayloadBytes must be positive")]
    [InlineData("Webhooks:Retention", "00:00:00", "Webhooks:Retention must be positive")]
    [InlineData("Webhooks:Retention", "-00:00:01", "Webhooks:Retention must be positive")]
    [InlineData("Webhooks:MaxEndpointsPerTenant", "0", "Webhooks:MaxEndpointsPerTenant must be positive, or null for no cap")]
    [InlineData("Webhooks:Delivery:Timeout", "00:00:00", "Webhooks:Delivery:Timeout must be positive")]
    [InlineData("Webhooks:Delivery:Timeout", "-00:00:01", "Webhooks:Delivery:Timeout must be positive")]
    [InlineData("Webhooks:Delivery:MaxConcurrency", "0", "Webhooks:Delivery:MaxConcurrency must be positive")]
    [InlineData("Webhooks:Delivery:MaxConcurrencyPerEndpoint", "0", "Webhooks:Delivery:MaxConcurrencyPerEndpoint must be positive")]
    [InlineData("Webhooks:Delivery:MaxConcurrencyPerTenant", "0", "Webhooks:Delivery:MaxConcurrencyPerTenant must be from 1 to MaxConcurrency")]
    [InlineData("Webhooks:Delivery:MaxConcurrencyPerTenant", "-1", "Webhooks:Delivery:MaxConcurrencyPerTenant must be from 1 to MaxConcurrency")]
    [InlineData("Webhooks:Delivery:MaxConcurrencyPerTenant", "65", "Webhooks:Delivery:MaxConcurrencyPerTenant must be from 1 to MaxConcurrency (64)")]
    [InlineData("Webhooks:Delivery:CircuitBreaker:FailureThreshold", "0", "Webhooks:Delivery:CircuitBreaker:FailureThreshold must be positive")]
    [InlineData("Webhooks:Delivery:CircuitBreaker:BreakDuration", "00:00:00", "Webhooks:Delivery:CircuitBreaker:BreakDuration must be positive")]
    [InlineData(
        "Webhooks:Delivery:CircuitBreaker:BreakDuration", "00:11:00", "Webhooks:Delivery:CircuitBreaker:BreakDuration must be at most MaxBreakDuration")]
    [InlineData(
        "Webhooks:Delivery:CircuitBreaker:MaxBreakDuration", "00:00:29", "Webhooks:Delivery:CircuitBreaker:BreakDuration must be at most MaxBreakDuration")]
    [InlineData("Webhooks:Delivery:PollInterval", "00:00:00", "Webhooks:Delivery:PollInterval must be positive")]
    [InlineData("Webhooks:Delivery:AllowedNetworks:0", "localhost", "Webhooks:Delivery:AllowedNetworks: 'localhost' is not a network in CIDR notation")]
    [InlineData("Webhooks:Delivery:AllowedNetworks:0", "10.0.0.0/33", "Webhooks:Delivery:AllowedNetworks: '10.0.0.0/33' is not a network in CIDR notation")]
    [InlineData("Webhooks:Delivery:RetrySchedule:0", "-00:00:01", "Webhooks:Delivery:RetrySchedule must be a list of waits of zero or more")]
    [InlineData("Webhooks:Delivery:RetryJitter", "1", "Webhooks:Delivery:RetryJitter must be from 0 to below 1")]
    [InlineData("Webhooks:Delivery:RetryJitter", "-0.1", "Webhooks:Delivery:RetryJitter must be from 0 to below 1")]
    [InlineData("Webhooks:Delivery:RetryJitter", "NaN", "Webhooks:Delivery:RetryJitter must be from 0 to below 1")]
    [InlineData("Webhooks:Delivery:MaxRetryAfter", "-00:00:01", "Webhooks:Delivery:MaxRetryAfter must not be negative")]
    [InlineData("Webhooks:Delivery:DisableEndpointAfter", "00:00:00", "Webhooks:Delivery:DisableEndpointAfter must be positive")]
    [InlineData(
        "Webhooks:Management:CostlyCalls:PerMinute", "0", "Webhooks:Management:CostlyCalls:PerMinute must be positive, or null for no limit")]
    [InlineData("Webhooks:Management:CostlyCalls:Burst", "0", "Webhooks:Management:CostlyCalls:Burst must be positive")]
    [InlineData("Webhooks:Management:Feed:MaxWait", "-00:00:01", "Webhooks:Management:Feed:MaxWait must be from 0 to 5 minutes")]
    [InlineData("Webhooks:Management:Feed:MaxWait", "00:05:01", "Webhooks:Management:Feed:MaxWait must be from 0 to 5 minutes")]
    [InlineData("Webhooks:Management:Feed:MaxWaitingPerTenant", "0", "Webhooks:Management:Feed:MaxWaitingPerTenant must be positive")]
    [InlineData("Webhooks:Management:Feed:MaxWaiting", "0", "Webhooks:Management:Feed:MaxWaiting must be positive")]
    public void Validate_BadValueFromConfiguration_FailsNamingTheKey(string key, string value, string expected)
    {
        var result = Validate(key, value);

        Assert.True(result.Failed, $"{key} = {value} was accepted.");
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The edges of every range, and the values that mean "none" or "default": accepted.</summary>
    [Theory]
    [InlineData("Webhooks:MaxPayloadBytes", "1")]
    [InlineData("Webhooks:Retention", "10675199.02:48:05.4775807")]
    [InlineData("Webhooks:MaxEndpointsPerTenant", "1")]
    [InlineData("Webhooks:Delivery:Timeout", "00:00:00.0000001")]
    [InlineData("Webhooks:Delivery:MaxConcurrencyPerTenant", "1")]
    [InlineData("Webhooks:Delivery:MaxConcurrencyPerTenant", "64")]
    [InlineData("Webhooks:Delivery:CircuitBreaker:BreakDuration", "00:10:00")]
    [InlineData("Webhooks:Delivery:CircuitBreaker:MaxBreakDuration", "00:00:30")]
    [InlineData("Webhooks:Delivery:AllowedNetworks:0", "::1/128")]
    [InlineData("Webhooks:Delivery:AllowedNetworks:0", "127.0.0.0/8")]
    [InlineData("Webhooks:Delivery:RetrySchedule:0", "00:00:00")]
    [InlineData("Webhooks:Delivery:RetryJitter", "0")]
    [InlineData("Webhooks:Delivery:RetryJitter", "0.99")]
    [InlineData("Webhooks:Delivery:MaxRetryAfter", "00:00:00")]
    [InlineData("Webhooks:Management:Feed:MaxWait", "00:00:00")]
    [InlineData("Webhooks:Management:Feed:MaxWait", "00:05:00")]
    public void Validate_EdgeValueFromConfiguration_Succeeds(string key, string value) =>
        Assert.True(Validate(key, value).Succeeded, $"{key} = {value} was refused.");

    [Fact]
    public void Validate_Defaults_AndEveryNullThatMeansNone_Succeed()
    {
        var options = new WebhookOptions { MaxEndpointsPerTenant = null };
        options.Delivery.MaxConcurrencyPerTenant = null;
        options.Delivery.RetrySchedule = [];
        options.Delivery.AllowedNetworks = null!;
        options.Management.CostlyCalls.PerMinute = null;

        Assert.True(new WebhookOptionsValidator().Validate(Options.DefaultName, new WebhookOptions()).Succeeded);
        Assert.True(new WebhookOptionsValidator().Validate(Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_NoCircuitBreaker_FailsNamingTheOption()
    {
        var options = new WebhookOptions();
        options.Delivery.CircuitBreaker = null!;

        var result = new WebhookOptionsValidator().Validate(Options.DefaultName, options);

        Assert.True(result.Failed);
        Assert.Contains("Webhooks:Delivery:CircuitBreaker must be set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadValues_ReportsEach()
    {
        var options = new WebhookOptions { Retention = TimeSpan.Zero };
        options.Delivery.Timeout = TimeSpan.Zero;
        options.Management.Feed.MaxWaiting = 0;

        var failures = new WebhookOptionsValidator().Validate(Options.DefaultName, options).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.Contains("Webhooks:Retention", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Webhooks:Delivery:Timeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Webhooks:Management:Feed:MaxWaiting", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(string key, string value)
    {
        var options = new WebhookOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build().GetSection("Webhooks").Bind(options);
        return new WebhookOptionsValidator().Validate(Options.DefaultName, options);
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
