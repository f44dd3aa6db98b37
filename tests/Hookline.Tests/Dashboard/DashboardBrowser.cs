using System.Net;
using System.Text.Json.Nodes;
using Hookline.Tests.Management;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// What a browser does with a dashboard (the sample's, or another app's), over HTTP: keeps cookies, follows no redirects,
/// posts a link's form as its page does, and sends the page's CSRF header on changes unless told not to.
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

    public static DashboardBrowser For(SampleFactory sample) => new(sample.Url);

    public static DashboardBrowser At(string baseAddress) => new(baseAddress);

    /// <summary>A link's token: its fragment, which a browser never sends, and the link's page posts.</summary>
    public static string Token(string link) => link[(link.IndexOf('#', StringComparison.Ordinal) + 1)..];

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
        using var opened = await PostLinkAsync(link, open: "1");
        Assert.True(opened.StatusCode == HttpStatusCode.SeeOther, $"{(int)opened.StatusCode} {await opened.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Posts a link's form, as its pages do: without <paramref name="open"/> the landing page's script asking whose link it
    /// is, with it the button that opens it ("1", or "switch" from another tenant's session). The browser says the post comes
    /// from the dashboard's own origin unless <paramref name="fetchSite"/> says otherwise (null: an older browser says nothing).
    /// </summary>
    public async Task<HttpResponseMessage> PostLinkAsync(
        string link, string? open = null, string? fetchSite = "same-origin", string? origin = null)
    {
        var fields = new Dictionary<string, string> { ["token"] = Token(link) };
        if (open is not null)
        {
            fields["open"] = open;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Root + "/links") { Content = new FormUrlEncodedContent(fields) };
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await Client.SendAsync(request);
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
