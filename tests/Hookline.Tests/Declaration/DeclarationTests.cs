using Microsoft.AspNetCore.Http.Metadata;

namespace Hookline.Tests.Declaration;

public class DeclarationTests
{
    private readonly WebhookRegistry _webhooks = new();

    [Fact]
    public void Map_DuplicateNameAndMethod_ThrowsWithName()
    {
        _webhooks.MapPost<Invoice>("invoice.paid");

        var error = Assert.Throws<ArgumentException>(() => _webhooks.MapMethods<Ping>("invoice.paid", ["put", "post"]));

        Assert.Contains("Webhook 'invoice.paid' is already declared for POST", error.Message);
    }

    [Fact]
    public void Map_DuplicateInsideGroup_ThrowsWithName()
    {
        _webhooks.MapPost<Invoice>("invoice.paid");

        var error = Assert.Throws<ArgumentException>(() => _webhooks.MapGroup().MapPost<Invoice>("invoice.paid"));

        Assert.Contains("'invoice.paid'", error.Message);
    }

    [Fact]
    public void Map_SameNameOtherMethod_IsAllowed()
    {
        _webhooks.MapPost<Invoice>("invoice");
        _webhooks.MapPut<Invoice>("invoice");

        Assert.Equal(["POST", "PUT"], _webhooks.Freeze().SelectMany(d => d.Methods));
    }

    [Fact]
    public void MapMethods_NormalizesAndDeduplicatesMethods()
    {
        _webhooks.MapMethods<Ping>("ping", ["post", "PUT", "Post"]);

        Assert.Equal(["POST", "PUT"], Assert.Single(_webhooks.Freeze()).Methods);
    }

    [Theory]
    [InlineData("CONNECT")]
    [InlineData("FETCH")]
    public void MapMethods_MethodOpenApiCannotDescribe_ThrowsWithNameAndMethod(string method)
    {
        var error = Assert.Throws<ArgumentException>(() => _webhooks.MapMethods<Ping>("ping", [method]));

        Assert.Contains($"Webhook 'ping': '{method}' is not an HTTP method", error.Message);
    }

    [Fact]
    public void MapMethods_NoMethods_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => _webhooks.MapMethods<Ping>("ping", []));

        Assert.Contains("Webhook 'ping' needs at least one HTTP method", error.Message);
    }

    [Fact]
    public void MapPost_WhitespaceName_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => _webhooks.MapPost<Ping>(" "));

        Assert.Contains("must not be empty or whitespace", error.Message);
    }

    [Theory]
    [InlineData(typeof(Action), "a delegate is code, not data")]
    [InlineData(typeof(Func<int>), "a delegate is code, not data")]
    [InlineData(typeof(int*), "a pointer is not data")]
    [InlineData(typeof(Span<byte>), "a ref struct")]
    [InlineData(typeof(Generic<>), "an open generic type")]
    [InlineData(typeof(Task<Invoice>), "a task is a pending operation")]
    [InlineData(typeof(void), "void has no body")]
    [InlineData(typeof(Stream), "a stream is bytes to read, not JSON data")]
    [InlineData(typeof(MemoryStream), "a stream is bytes to read, not JSON data")]
    [InlineData(typeof(System.IO.Pipelines.PipeReader), "a stream is bytes to read, not JSON data")]
    [InlineData(typeof(IFormFile), "a form or uploaded file is not JSON data")]
    [InlineData(typeof(IFormFileCollection), "a form or uploaded file is not JSON data")]
    [InlineData(typeof(IFormCollection), "a form or uploaded file is not JSON data")]
    [InlineData(typeof(HttpContext), "it is part of a request or of the framework, not data")]
    [InlineData(typeof(HttpRequest), "it is part of a request or of the framework, not data")]
    [InlineData(typeof(CancellationToken), "it is part of a request or of the framework, not data")]
    [InlineData(typeof(System.Security.Claims.ClaimsPrincipal), "it is part of a request or of the framework, not data")]
    [InlineData(typeof(Type), "it is part of a request or of the framework, not data")]
    public void Map_PayloadTypeThatIsNotJson_ThrowsNamingWebhookAndType(Type payloadType, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => _webhooks.Map("bad-payload", ["POST"], payloadType));

        Assert.Contains($"Webhook 'bad-payload' cannot use payload type '{payloadType}': {reason}", error.Message);
    }

    [Fact]
    public void Map_ByRefPayloadType_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => _webhooks.Map("by-ref", ["POST"], typeof(Invoice).MakeByRefType()));

        Assert.Contains("Webhook 'by-ref'", error.Message);
    }

    [Fact]
    public void MapPost_Delegate_ReadsPayloadTypeFromItsParameter()
    {
        _webhooks.MapPost("new-subscription", (Subscription body) => { });

        Assert.Equal(typeof(Subscription), Assert.Single(_webhooks.Freeze()).PayloadType);
    }

    [Fact]
    public void MapPost_DelegateWithTwoParameters_ThrowsWithName()
    {
        var error = Assert.Throws<ArgumentException>(() => _webhooks.MapPost("two", (Ping a, Ping b) => { }));

        Assert.Contains("The delegate for webhook 'two' must take exactly one parameter", error.Message);
    }

    [Fact]
    public async Task Map_AfterStart_Throws()
    {
        await using var app = CreateLoopbackApp();
        var conventions = app.Webhooks.MapPost<Ping>("ping");
        await app.StartAsync();

        Assert.Throws<InvalidOperationException>(() => app.Webhooks.MapPost<Ping>("pong"));
        Assert.Throws<InvalidOperationException>(() => conventions.WithSummary("too late"));
        await app.StopAsync();
    }

    [Fact]
    public async Task Start_PayloadTypeJsonCannotSerialize_FailsNamingTheWebhook()
    {
        await using var app = CreateLoopbackApp();
        app.Webhooks.MapPost<NameClash>("clash");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains($"Webhook 'clash' cannot use payload type '{typeof(NameClash)}': System.Text.Json cannot serialize it", error.Message);
    }

    [Fact]
    public async Task Start_TwoWebhooksWithOneOperationId_FailsNamingBoth()
    {
        await using var app = CreateLoopbackApp();
        app.Webhooks.MapPost<Ping>("ping").WithName("check");
        app.Webhooks.MapPost<Ping>("pong").WithName("check");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("Webhooks 'ping' (POST) and 'pong' (POST) both use the operation id 'check'", error.Message);
    }

    [Fact]
    public void Webhooks_WithoutAddWebhooks_ThrowsSayingWhatToCall()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.Webhooks);

        Assert.Contains("AddWebhooks()", error.Message);
    }

    [Fact]
    public void AddWebhooks_Twice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddWebhooks().Webhooks.MapPost<Ping>("ping");
        var countAfterFirst = services.Count;

        services.AddWebhooks().Webhooks.MapPost<Invoice>("invoice.paid");

        Assert.Equal(countAfterFirst, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        using var provider = services.AddLogging().BuildServiceProvider();
        Assert.Equal(["ping", "invoice.paid"], provider.GetRequiredService<WebhookCatalog>().Definitions.Select(d => d.Name));
    }

    [Fact]
    public void Catalog_GroupConventions_ApplyBeforeOwnAndNest()
    {
        var billing = _webhooks.MapGroup().WithTags("Billing").WithGroupName("billing");
        var invoices = billing.MapGroup().WithTags("Invoices");
        invoices.MapPost<Invoice>("invoice.paid").WithTags("Paid").WithSummary("Paid!");
        _webhooks.MapPost<Ping>("ping");

        var catalog = CreateCatalog();

        var paid = catalog.Definitions[0];
        Assert.Equal(["Billing", "Invoices", "Paid"], paid.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags));
        Assert.Equal("billing", paid.Metadata.GetMetadata<IEndpointGroupNameMetadata>()?.EndpointGroupName);
        Assert.Equal("Paid!", paid.Summary);
        Assert.Empty(catalog.Definitions[1].Metadata.GetOrderedMetadata<ITagsMetadata>());
    }

    private static WebApplication CreateLoopbackApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddWebhooks();
        return builder.Build();
    }

    private WebhookCatalog CreateCatalog()
    {
        var services = new ServiceCollection().AddSingleton(_webhooks).AddSingleton<WebhookCatalog>().AddOptions();
        return services.BuildServiceProvider().GetRequiredService<WebhookCatalog>();
    }
}
