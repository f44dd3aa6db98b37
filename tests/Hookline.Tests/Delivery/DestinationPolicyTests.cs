using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Hookline.Tests.Delivery;

/// <summary>
/// Registration-time destination checks under the default policy. Every URL here is refused before
/// anything is sent (delivery is off besides): registration resolves names, it never connects.
/// </summary>
public sealed class DestinationPolicyTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private SqliteTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await SqliteTestHost.StartAsync(
            w => w.MapPost<Ping>("ping"), o => o.Delivery.Enabled = false, s => s.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("https://127.0.0.1/hook", "Loopback")]
    [InlineData("https://127.1/hook", "Loopback")]
    [InlineData("https://2130706433/hook", "Loopback")]
    [InlineData("https://0x7f000001/hook", "Loopback")]
    [InlineData("https://localhost/hook", "Loopback")]
    [InlineData("https://[::1]/hook", "Loopback")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "Loopback")]
    [InlineData("https://[2002:7f00:1::]/hook", "Loopback")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook", "LinkLocal")]
    [InlineData("https://10.0.0.1/hook", "Private")]
    [InlineData("https://172.16.0.1/hook", "Private")]
    [InlineData("https://192.168.1.1/hook", "Private")]
    [InlineData("https://[fd12::1]/hook", "Private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "LinkLocal")]
    [InlineData("https://[fe80::1]/hook", "LinkLocal")]
    [InlineData("https://100.64.0.1/hook", "CarrierGradeNat")]
    [InlineData("https://224.0.0.1/hook", "Multicast")]
    [InlineData("https://[ff02::1]/hook", "Multicast")]
    [InlineData("https://0.0.0.0/hook", "Unspecified")]
    [InlineData("https://240.0.0.1/hook", "Reserved")]
    public async Task Register_DefaultPolicy_RefusesWhatTheHostIsOrResolvesTo_NamingItsKindOnlyInTheLog(string url, string kind)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.Endpoints.CreateAsync(new() { Url = url }, tenant: "acme"));

        Assert.Equal("Url", error.ParamName);
        Assert.Contains("not allowed", error.Message);
        Assert.DoesNotContain(kind, error.Message);
        Assert.Contains(
            _logs.Messages, m => m.Contains($"({kind})", StringComparison.Ordinal) && m.Contains("acme", StringComparison.Ordinal));
        Assert.Empty(await _host.Endpoints.ListAsync());
    }

    [Fact]
    public async Task Register_OutsideDevelopment_RefusesPlainHttp()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.Endpoints.CreateAsync(new() { Url = "http://8.8.8.8/hook" }));

        Assert.Equal("Url", error.ParamName);
        Assert.StartsWith("Endpoint URLs must use https.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RequireHttps", error.Message, StringComparison.Ordinal); // A server option tenants cannot change.
        Assert.Empty(await _host.Endpoints.ListAsync());
    }

    [Fact]
    public async Task Register_PublicHttpsAddress_IsAccepted()
    {
        var endpoint = await _host.Endpoints.CreateAsync(new() { Url = "https://8.8.8.8/hook" });

        Assert.Equal("https://8.8.8.8/hook", endpoint.Url);
    }

    [Theory]
    [InlineData("Development", null, false)]
    [InlineData("Production", null, true)]
    [InlineData("Staging", null, true)]
    [InlineData("Development", true, true)]
    [InlineData("Production", false, false)]
    public void RequireHttps_IsOnOutsideDevelopment_UnlessSet(string environment, bool? setting, bool required)
    {
        var options = new WebhookOptions();
        options.Delivery.RequireHttps = setting;

        var policy = new DestinationPolicy(Options.Create(options), new HostingEnvironment { EnvironmentName = environment });

        Assert.Equal(required, policy.RequireHttps);
    }

    [Fact]
    public async Task Register_AllowedNetwork_IsAccepted()
    {
        await using var host = await SqliteTestHost.StartAsync(
            w => w.MapPost<Ping>("ping"),
            o =>
            {
                o.Delivery.Enabled = false;
                o.Delivery.AllowedNetworks = ["10.0.0.0/8"];
            });

        var endpoint = await host.Endpoints.CreateAsync(new() { Url = "https://10.1.2.3/hook" });

        Assert.Equal("https://10.1.2.3/hook", endpoint.Url);
        await Assert.ThrowsAsync<ArgumentException>(() => host.Endpoints.CreateAsync(new() { Url = "https://192.168.1.1/hook" }));
    }

    private sealed record Ping(int Id);
}
