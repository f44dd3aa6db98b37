using System.Text.Json.Nodes;

namespace Hookline.Tests.Sample;

public class SampleAppTests(SampleFactory factory) : IClassFixture<SampleFactory>
{
    private const string TutorialDescription =
        "When a new user subscribes to your service we'll send you a POST request with this data to the URL that you register for the event `new-subscription` in the dashboard.";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Users_ReturnsRickAndMorty()
    {
        Assert.Equal(["Rick", "Morty"], (await _client.GetFromJsonAsync<string[]>("/users"))!);
    }

    [Fact]
    public async Task Document_NewSubscription_HasTheTutorialsDescriptionAndBody()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal("3.1.1", document["openapi"]!.GetValue<string>());
        var operation = document["webhooks"]!["new-subscription"]!["post"]!;
        Assert.Equal("New Subscription", operation["summary"]!.GetValue<string>());
        Assert.Equal(TutorialDescription, operation["description"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Subscription", operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Empty(operation["security"]!.AsArray()); // Sent by the API: the document's API key requirement is not the receiver's.
        Assert.NotNull(document["paths"]!["/users"]);
    }

    [Fact]
    public async Task Document_SubscriptionChanged_IsDeclaredNextToNewSubscription_WithTheSameBody()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal(["new-subscription", "subscription-changed"], document["webhooks"]!.AsObject().Select(w => w.Key));
        var operation = document["webhooks"]!["subscription-changed"]!["post"]!;
        Assert.Equal("Subscription Changed", operation["summary"]!.GetValue<string>());
        Assert.Contains("ordering to `ordered`", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var body = operation["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/Subscription", body["$ref"]!.GetValue<string>());
        var change = document["components"]!["schemas"]!["SubscriptionChange"]!;
        Assert.Equal(["monthlyFee"], change["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.NotNull(document["paths"]!["/subscriptions/{username}"]!["put"]);
    }

    [Fact]
    public async Task Document_Subscription_IsDescribedFromXmlDocsAsWritten()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json"))!;

        var subscription = document["components"]!["schemas"]!["Subscription"]!;
        Assert.Equal("A user's subscription to the service.", subscription["description"]!.GetValue<string>());
        Assert.Equal(["username", "monthlyFee", "startDate"], subscription["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        var properties = subscription["properties"]!;
        Assert.Equal("string", properties["username"]!["type"]!.GetValue<string>());
        Assert.Equal("The subscriber's user name.", properties["username"]!["description"]!.GetValue<string>());
        Assert.Equal("number", properties["monthlyFee"]!["type"]!.GetValue<string>());
        Assert.Equal("string", properties["startDate"]!["type"]!.GetValue<string>());
        Assert.Equal("date-time", properties["startDate"]!["format"]!.GetValue<string>());

        // The type's <example>: what the event catalog shows and a test event sends.
        var example = subscription["examples"]![0]!;
        Assert.Equal(("rick", 9.99m), (example["username"]!.GetValue<string>(), example["monthlyFee"]!.GetValue<decimal>()));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Document_ValidatesAsOpenApi31()
    {
        await OpenApiValidator.AssertValidAsync(await _client.GetStringAsync("/openapi/v1.json"), "3.1");
    }

    [Theory]
    [InlineData("/docs/index.html", "text/html")]
    [InlineData("/docs/swagger-ui-bundle.js", "text/javascript")]
    [InlineData("/docs/swagger-ui.css", "text/css")]
    [InlineData("/redoc/index.html", "text/html")]
    [InlineData("/redoc/redoc.standalone.js", "text/javascript")]
    public async Task Docs_ServeTheirAssetsLocally(string path, string mediaType)
    {
        var response = await _client.GetAsync(path);

        response.EnsureSuccessStatusCode();
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/docs/index.html")]
    [InlineData("/redoc/index.html")]
    public async Task Docs_PagesLoadNothingFromOtherHosts(string path)
    {
        var html = await _client.GetStringAsync(path);

        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
    }

    [Fact]
    public async Task Docs_AreNotInTheOpenApiDocument()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal(
            ["/users", "/subscriptions", "/subscriptions/{username}"],
            document["paths"]!.AsObject().Select(p => p.Key).Where(p => !p.StartsWith("/webhooks/", StringComparison.Ordinal)));
    }
}
