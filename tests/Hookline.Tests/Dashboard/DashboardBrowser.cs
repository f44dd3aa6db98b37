using System.Net;
using System.Text.Json.Nodes;
using Hookline.Tests.Management;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// What a browser does with the sample's dashboard, over HTTP: keeps cookies (by path), follows no redirects, and sends the
/// page's CSRF header on changes unless told not to.
/// </summary>
internal sealed class DashboardBrowser : IDisposable
{
    public const string Root = "/webhooks/dashboard";

    private DashboardBrowser(string baseAddress)
    {
        BaseAddress = baseAddress;
        Client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(baseAddress),
        };
    }

    public string BaseAddress { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Client { get; }

    public static DashboardBrowser For(SampleFactory sample) =>
        new(sample.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>Asks for a link with an API key, as the sample's users do: the 201 answer.</summary>
    public static async Task<JsonNode> CreateLinkAsync(HttpClient apiKeyClient, bool? readOnly = null)
    {
        using var response = readOnly is null
            ? await apiKeyClient.PostAsync("/webhooks/dashboard-links", null)
            : await apiKeyClient.PostAsJsonAsync("/webhooks/dashboard-links", new { readOnly });
        var body = await ManagementApi.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body.ToJsonString()}");
        Assert.Equal(body["url"]!.GetValue<string>(), response.Headers.Location?.ToString());
        return body;
    }

    /// <summary>Opens a fresh link of the tenant's: a session in this browser.</summary>
    public async Task SignInAsync(HttpClient apiKeyClient, bool? readOnly = null)
    {
        var link = (await CreateLinkAsync(apiKeyClient, readOnly))["url"]!.GetValue<string>();
        using var opened = await Client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool csrfHeader = true)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (csrfHeader)
        {
            request.Headers.Add("X-Hookline-Csrf", "1");
        }

        return await Client.SendAsync(request);
    }

    public void Dispose() => Client.Dispose();
}
