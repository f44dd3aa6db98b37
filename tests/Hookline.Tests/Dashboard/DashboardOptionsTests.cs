using Hookline.Dashboard;
using Microsoft.Extensions.Options;

namespace Hookline.Tests.Dashboard;

/// <summary>The dashboard's options: refused at startup when they would break the page or its policy, else reflected in it.</summary>
public sealed class DashboardOptionsTests
{
    [Theory]
    [InlineData("AccentColor", "red", "AccentColor must be #rgb or #rrggbb")]
    [InlineData("AccentColor", "#12345g", "AccentColor must be #rgb or #rrggbb")]
    [InlineData("AccentColor", "#fff; } body { display: none", "AccentColor must be #rgb or #rrggbb")]
    [InlineData("LogoUrl", "javascript:alert(1)", "LogoUrl must be a path on the app")]
    [InlineData("LogoUrl", "//evil.example/logo.svg", "LogoUrl must be a path on the app")]
    [InlineData("LogoUrl", "http://cdn.example/logo.svg", "LogoUrl must be a path on the app")]
    [InlineData("FrameAncestors", "https://app.example.com; script-src *", "FrameAncestors holds")]
    [InlineData("FrameAncestors", "*", "FrameAncestors holds")]
    [InlineData("Title", " ", "Title must not be empty")]
    [InlineData("Title", "", "Title must not be empty")]
    [InlineData("AccentColor", "", "AccentColor must be #rgb or #rrggbb")]
    [InlineData("AccentColor", "#fff\n", "AccentColor must be #rgb or #rrggbb")]
    [InlineData("FrameAncestors", "", "FrameAncestors holds")]
    [InlineData("SessionLifetime", "00:00:00", "SessionLifetime must be positive")]
    [InlineData("SessionIdleTimeout", "00:00:00", "SessionIdleTimeout must be positive")]
    [InlineData("LinkLifetime", "-00:01:00", "LinkLifetime must be positive")]
    [InlineData("PublicBaseUrl", "api.example.com", "PublicBaseUrl must be the app's absolute http(s) URL")]
    [InlineData("PublicBaseUrl", "/webhooks", "PublicBaseUrl must be the app's absolute http(s) URL")]
    [InlineData("PublicBaseUrl", "ftp://api.example.com", "PublicBaseUrl must be the app's absolute http(s) URL")]
    [InlineData("PublicBaseUrl", "https://api.example.com/?tenant=a", "PublicBaseUrl must be the app's absolute http(s) URL")]
    [InlineData("PublicBaseUrl", "https://api.example.com/#top", "PublicBaseUrl must be the app's absolute http(s) URL")]
    [InlineData("PublicBaseUrl", "https://me:secret@api.example.com", "PublicBaseUrl must be the app's absolute http(s) URL")]
    public async Task Start_WithAnUnusableOption_FailsNamingIt(string option, string value, string message)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[$"Dashboard:{option}" + (option == "FrameAncestors" ? ":0" : "")] = value;
        builder.Services.AddWebhookDashboard(builder.Configuration.GetSection("Dashboard").Bind);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The values each rule allows, at its edges: accepted.</summary>
    [Theory]
    [InlineData("AccentColor", "#ABC")]
    [InlineData("AccentColor", "#a1b2c3")]
    [InlineData("LogoUrl", "/brand/logo.svg")]
    [InlineData("LogoUrl", "https://cdn.example.com/logo.svg")]
    [InlineData("PublicBaseUrl", "http://localhost:5000")]
    [InlineData("PublicBaseUrl", "https://example.com/api")]
    [InlineData("FrameAncestors", "'self'")]
    [InlineData("FrameAncestors", "https://*.example.com:8443")]
    [InlineData("LinkLifetime", "00:00:00.0000001")]
    [InlineData("SessionLifetime", "10675199.02:48:05.4775807")]
    public void Validate_EdgeValue_Succeeds(string option, string value)
    {
        var options = new WebhookDashboardOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [option + (option == "FrameAncestors" ? ":0" : "")] = value })
            .Build()
            .Bind(options);

        Assert.True(new WebhookDashboardOptionsValidator().Validate(Options.DefaultName, options).Succeeded, $"{option} = {value} was refused.");
    }

    [Fact]
    public void Policy_AllowsTheLogosOrigin_AndTheConfiguredFrameAncestors()
    {
        var options = new WebhookDashboardOptions { LogoUrl = "https://cdn.example.com/brand/logo.svg" };
        options.FrameAncestors.Add("'self'");
        options.FrameAncestors.Add("https://app.example.com");
        Assert.True(new WebhookDashboardOptionsValidator().Validate(null, options).Succeeded);
        var http = new DefaultHttpContext();

        new DashboardSecurity(Options.Create(options)).Apply(http.Response);

        var policy = http.Response.Headers.ContentSecurityPolicy.ToString();
        Assert.Contains("img-src 'self' data: https://cdn.example.com;", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self' https://app.example.com;", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.False(http.Response.Headers.ContainsKey("X-Frame-Options"));
    }
}
