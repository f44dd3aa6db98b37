using System.Text;

namespace Hookline.Tests.Publishing;

public sealed class WebhookPublisherTests : IAsyncLifetime
{
    private SqliteTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await SqliteTestHost.StartAsync(
            webhooks =>
            {
                webhooks.MapPost<Invoice>("invoice.paid");
                webhooks.MapMethods<Ping>("ping", ["POST", "PUT"]);
                webhooks.MapPost<TreeNode>("tree");
            },
            options =>
            {
                options.MaxPayloadBytes = 1024;
                options.Delivery.Enabled = false; // What is stored is checked here, not delivered.
            });
        await _host.EndpointStore.CreateEndpointAsync(
            new WebhookEndpoint { Id = "ep_1", Tenant = "alice", Url = "http://127.0.0.1:9/", Secrets = [new(WebhookSecret.Generate(), default)] },
            null,
            default);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Publish_StoresTheBodyAsDocumentedWithADeliveryPerEndpoint()
    {
        var result = await _host.Publisher.PublishAsync("invoice.paid", NewInvoice(), tenant: "alice");

        Assert.StartsWith("msg_", result.MessageId);
        Assert.Equal(30, result.MessageId.Length);
        Assert.Equal(1, await _host.Queue.ExpandAsync(DateTimeOffset.MaxValue.AddDays(-1), 10, default));
        var leased = Assert.Single(await _host.Queue.LeaseAsync(new("test", DateTimeOffset.MaxValue.AddDays(-1), DateTimeOffset.MaxValue.AddDays(-1), 10), default));
        Assert.Equal(
            """{"id":"inv_1","amount":12.50,"rate":0.5,"lines":2,"cents":null,"customer":{"name":"Rick","address":null},"items":[]}""",
            Encoding.UTF8.GetString(leased.Payload.Span));
        Assert.Equal(("invoice.paid", "POST", result.MessageId), (leased.EventType, leased.Method, leased.MessageId));
    }

    [Fact]
    public async Task Publish_UnknownWebhook_ThrowsNamingItAndTheDeclaredOnes()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.Publisher.PublishAsync("invoice.voided", NewInvoice()));

        Assert.Contains("No webhook named 'invoice.voided' is declared", error.Message);
        Assert.Contains("'invoice.paid', 'ping'", error.Message);
    }

    [Fact]
    public async Task Publish_WrongPayloadType_ThrowsAPayloadExceptionNamingBoth()
    {
        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() => _host.Publisher.PublishAsync("invoice.paid", new Ping(1)));

        Assert.Equal((WebhookPayloadProblem.WrongType, "invoice.paid", "payload"), (error.Problem, error.EventType, error.ParamName));
        Assert.Contains($"Webhook 'invoice.paid' is declared with payload type '{typeof(Invoice)}'; it cannot send a '{typeof(Ping)}'", error.Message);
    }

    [Fact]
    public async Task Publish_Null_ThrowsAPayloadException()
    {
        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() => _host.Publisher.PublishAsync<Invoice?>("invoice.paid", null));

        Assert.Equal(WebhookPayloadProblem.WrongType, error.Problem);
        Assert.Contains("it cannot send null", error.Message);
    }

    [Fact]
    public async Task Publish_OverTheSizeLimit_ThrowsAPayloadExceptionWithTheSizesAndStoresNothing()
    {
        var large = NewInvoice() with { Id = new string('x', 2000) };

        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() => _host.Publisher.PublishAsync("invoice.paid", large, tenant: "alice"));

        Assert.Contains("over the 1024-byte limit", error.Message);
        Assert.Equal((WebhookPayloadProblem.TooLarge, 2111, 1024), (error.Problem, error.PayloadBytes, error.MaxPayloadBytes));
        Assert.Equal(0, (await _host.Queue.GetBacklogAsync(DateTimeOffset.MaxValue.AddDays(-1), default)).Pending);
    }

    [Fact]
    public async Task Publish_ValueWithACycle_ThrowsAPayloadExceptionAndStoresNothing()
    {
        var root = new TreeNode("root", null, []);
        root.Children.Add(root);

        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() => _host.Publisher.PublishAsync("tree", root, tenant: "alice"));

        Assert.Equal((WebhookPayloadProblem.NotSerializable, "tree"), (error.Problem, error.EventType));
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException);
        Assert.Contains("cannot be serialized", error.Message);
        Assert.Equal(0, (await _host.Queue.GetBacklogAsync(DateTimeOffset.MaxValue.AddDays(-1), default)).Pending);
    }

    [Fact]
    public async Task Publish_UndeclaredWebhookOrAmbiguousMethod_IsAProgrammingErrorNotAPayloadException()
    {
        var undeclared = await Assert.ThrowsAsync<ArgumentException>(() => _host.Publisher.PublishAsync("invoice.voided", NewInvoice()));
        var ambiguous = await Assert.ThrowsAsync<ArgumentException>(() => _host.Publisher.PublishAsync("ping", new Ping(1)));

        Assert.False(undeclared is WebhookPayloadException, undeclared.Message);
        Assert.False(ambiguous is WebhookPayloadException, ambiguous.Message);
    }

    [Fact]
    public async Task Publish_SeveralMethods_NeedsTheMethod()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.Publisher.PublishAsync("ping", new Ping(1)));
        Assert.Contains("Webhook 'ping' is declared for POST, PUT; say which", error.Message);

        var result = await _host.Publisher.PublishAsync("ping", new Ping(1), tenant: "alice", method: "put");

        await _host.Queue.ExpandAsync(DateTimeOffset.MaxValue.AddDays(-1), 10, default);
        var leased = Assert.Single(await _host.Queue.LeaseAsync(new("test", DateTimeOffset.MaxValue.AddDays(-1), DateTimeOffset.MaxValue.AddDays(-1), 10), default));
        Assert.Equal((result.MessageId, "PUT"), (leased.MessageId, leased.Method));
    }

    [Fact]
    public async Task Publish_RepeatedIdempotencyKey_ReturnsTheFirstMessage()
    {
        var first = await _host.Publisher.PublishAsync("invoice.paid", NewInvoice(), tenant: "alice", idempotencyKey: "order-42");

        var repeat = await _host.Publisher.PublishAsync("invoice.paid", NewInvoice(), tenant: "alice", idempotencyKey: "order-42");

        Assert.Equal(new WebhookPublishResult(first.MessageId, true), repeat);
    }

    [Theory]
    [InlineData("ali\0ce", null, "tenant")]
    [InlineData("alice", "order\0-42", "idempotencyKey")]
    public async Task Publish_NulInTenantOrIdempotencyKey_ThrowsNamingItAndStoresNothing(string tenant, string? key, string parameter)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _host.Publisher.PublishAsync("invoice.paid", NewInvoice(), tenant: tenant, idempotencyKey: key));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _host.Log.QueryMessagesAsync(new(), default));
    }

    [Fact]
    public async Task Publish_ManyAtOnce_StoresEachExactlyOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => _host.Publisher.PublishAsync("invoice.paid", NewInvoice() with { Id = $"inv_{i}" }, tenant: "alice", idempotencyKey: i % 2 == 0 ? $"k{i}" : null))));

        Assert.Equal(300, results.Select(r => r.MessageId).Distinct().Count());
        Assert.All(results, r => Assert.False(r.IsRepeat));
        Assert.Equal(300, await _host.Queue.ExpandAsync(DateTimeOffset.MaxValue.AddDays(-1), 1_000, default));
        Assert.Equal(300, (await _host.Queue.GetBacklogAsync(DateTimeOffset.MaxValue.AddDays(-1), default)).Pending);
    }

    private static Invoice NewInvoice() => new("inv_1", 12.50m, 0.5f, 2, null, new Customer("Rick", null), []);
}
