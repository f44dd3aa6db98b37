using System.Net;
using System.Text;

namespace Hookline.Tests.Management;

/// <summary>Alice's account on the sample: an enabled endpoint (<c>{ep}</c>), a disabled one (<c>{off}</c>) and a delivered message (<c>{msg}</c>).</summary>
public sealed class ManagementValidationFixture : IAsyncLifetime
{
    private TestReceiver? _receiver;

    public SampleFactory Sample { get; } = SampleFactory.Development();

    public HttpClient Alice { get; private set; } = null!;

    public Dictionary<string, string> Ids { get; } = [];

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        Alice = Sample.Client(SampleFactory.AliceKey);
        Ids["{ep}"] = (await ManagementApi.RegisterAsync(Alice, _receiver.Url))["id"]!.GetValue<string>();
        Ids["{off}"] = (await ManagementApi.RegisterAsync(Alice, _receiver.Url + "/off", ["new-subscription"]))["id"]!.GetValue<string>();
        (await Alice.PostAsync($"/webhooks/endpoints/{Ids["{off}"]}/disable", null)).EnsureSuccessStatusCode();
        await ManagementApi.SubscribeAsync(Alice, "rick");
        Ids["{msg}"] = Assert.Single(await ManagementApi.EventuallyListsAsync(Alice, "/webhooks/attempts", a => a.Count == 1, "the attempt"))!["messageId"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        Alice.Dispose();
        await Sample.DisposeAsync();
        await _receiver!.DisposeAsync();
    }
}

/// <summary>Every bad request to the management API: a ProblemDetails with the right status naming the field at fault, and nothing stored or changed.</summary>
public sealed class ManagementValidationTests(ManagementValidationFixture fixture) : IClassFixture<ManagementValidationFixture>
{
    private const string Missing = "ep_01M850S30WTYNBNKC0YYW92ZRX";
    private const string MissingMessage = "msg_01M850S30WTYNBNKC0YYW92ZRX";
    private const string Ok = "\"url\":\"http://127.0.0.1:9/hook\"";

    public static TheoryData<string, string, string?, int, string> BadRequests() => new()
    {
        // Registering: unreadable bodies (400), refused values (422), too large (413).
        { "POST", "/webhooks/endpoints", "{\"url\":", 400, "body" },
        { "POST", "/webhooks/endpoints", "null", 400, "body" },
        { "POST", "/webhooks/endpoints", "[]", 400, "body" },
        { "POST", "/webhooks/endpoints", "", 400, "body" },
        { "POST", "/webhooks/endpoints", "{\"url\":null}", 422, "url" }, // No URL, and not a polling endpoint.
        { "POST", "/webhooks/endpoints", "{\"polling\":\"yes\"}", 400, "polling" },
        { "POST", "/webhooks/endpoints", "{\"url\":42}", 400, "url" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"rateLimit\":\"fast\"}}", 400, "rateLimit" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"rateLimit\":\"5\"}}", 400, "rateLimit" }, // A number, as documented: not a string.
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"eventTypes\":\"new-subscription\"}}", 400, "eventTypes" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"secret\":\"whsec_x\"}}", 400, "secret" },
        { "POST", "/webhooks/endpoints", "{}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"ftp://127.0.0.1/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"javascript:alert(1)\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", $"{{\"url\":\"http://127.0.0.1:9/{new string('a', 2048)}\"}}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://user:pass@127.0.0.1:9/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://127.0.0.1:9/hook#part\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://10.1.2.3/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://169.254.169.254/latest/meta-data\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://[::ffff:192.168.0.1]/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://[fd00::1]/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://0.0.0.0/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://127.0.0.1:9/a b\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://127.0.0.1:9/hook\\r\\nX-Injected: 1\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\"http://127.0.0.1:9/hook\\u0000\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", "{\"url\":\" http://127.0.0.1:9/hook\"}", 422, "url" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},{Ok}}}", 400, "url" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"eventTypes\":null,\"eventTypes\":[\"no-such-event\"]}}", 400, "eventTypes" },
        { "POST", "/webhooks/endpoints", "{\"URL\":\"http://127.0.0.1:9/hook\"}", 400, "URL" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"Url\":\"http://127.0.0.1:9/other\"}}", 400, "Url" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"EventTypes\":[\"new-subscription\"]}}", 400, "EventTypes" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"eventTypes\":[]}}", 422, "eventTypes" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"eventTypes\":[\"no-such-event\"]}}", 422, "eventTypes" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"rateLimit\":0}}", 422, "rateLimit" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"rateLimit\":10001}}", 422, "rateLimit" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"ordering\":\"fifo\"}}", 422, "ordering" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"ordering\":\"Ordered\"}}", 422, "ordering" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"ordering\":\"\"}}", 422, "ordering" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"ordering\":1}}", 400, "ordering" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"ordering\":[\"ordered\"]}}", 400, "ordering" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"description\":\"{new string('d', 1025)}\"}}", 422, "description" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"description\":\"before\\u0000after\"}}", 422, "description" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"description\":\"\\u001b]52;c;aGk=\\u0007\"}}", 422, "description" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"description\":\"{new string('d', 70_000)}\"}}", 413, "body" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":\"monthlyFee > 1\"}}", 400, "filters" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":5}}}}", 400, "filters" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":\"montlyFee > 1\"}}}}", 422, "filters.new-subscription" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":\"username > 1\"}}}}", 422, "filters.new-subscription" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":\"monthlyFee >\"}}}}", 422, "filters.new-subscription" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":\"\"}}}}", 422, "filters.new-subscription" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":null}}}}", 422, "filters.new-subscription" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"no-such-event\":\"a == 1\"}}}}", 422, "filters.no-such-event" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"eventTypes\":[\"subscription-changed\"],\"filters\":{{\"new-subscription\":\"monthlyFee > 1\"}}}}", 422, "filters.new-subscription" },
        { "POST", "/webhooks/endpoints", $"{{{Ok},\"filters\":{{\"new-subscription\":\"{new string('(', 40)}\"}}}}", 422, "filters.new-subscription" },

        // Changing one: its id, then its body.
        { "PUT", "/webhooks/endpoints/not-an-id", $"{{{Ok}}}", 400, "endpointId" },
        { "PUT", $"/webhooks/endpoints/{Missing}", $"{{{Ok}}}", 404, "endpointId" },
        { "PUT", "/webhooks/endpoints/{ep}", "{\"url\":", 400, "body" },
        { "PUT", "/webhooks/endpoints/{ep}", "{\"url\":\"ftp://127.0.0.1/\"}", 422, "url" },
        { "PUT", "/webhooks/endpoints/{ep}", $"{{{Ok},\"eventTypes\":[]}}", 422, "eventTypes" },
        { "PUT", "/webhooks/endpoints/{ep}", $"{{{Ok},\"ordering\":\"none \"}}", 422, "ordering" },
        { "GET", "/webhooks/endpoints/ep_..%2F..%2Fetc%2Fpasswd", null, 400, "endpointId" },
        { "GET", $"/webhooks/endpoints/{Missing}", null, 404, "endpointId" },
        { "DELETE", $"/webhooks/endpoints/{Missing}", null, 404, "endpointId" },
        { "POST", $"/webhooks/endpoints/{Missing}/enable", null, 404, "endpointId" },
        { "POST", "/webhooks/endpoints/ep_1/disable", null, 400, "endpointId" },
        { "GET", $"/webhooks/endpoints/{Missing}/secret", null, 404, "endpointId" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", "{\"overlapSeconds\":-1}", 422, "overlapSeconds" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", "{\"overlapSeconds\":604801}", 422, "overlapSeconds" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", "{\"overlapSeconds\":\"1d\"}", 400, "overlapSeconds" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", "{\"overlapSeconds\":60,\"overlapSeconds\":0}", 400, "overlapSeconds" },
        { "PUT", "/webhooks/endpoints/{ep}", "{\"url\":\"http://127.0.0.1:9/a\\tb\"}", 422, "url" },

        // Test events, recovery, resending.
        { "POST", "/webhooks/endpoints/{ep}/test", "{\"eventType\":\"no-such-event\"}", 422, "eventType" },
        { "POST", "/webhooks/endpoints/{ep}/test", "{}", 422, "eventType" },
        { "POST", "/webhooks/endpoints/{ep}/test", "", 400, "body" },
        { "POST", "/webhooks/endpoints/{off}/test", "{\"eventType\":\"new-subscription\"}", 409, "endpointId" },
        { "POST", "/webhooks/endpoints/{ep}/recover", "{}", 422, "since" },
        { "POST", "/webhooks/endpoints/{ep}/recover", "{\"since\":\"last week\"}", 400, "since" },
        { "POST", "/webhooks/endpoints/{off}/recover", "{\"since\":\"2026-01-01T00:00:00Z\"}", 409, "endpointId" },
        { "POST", "/webhooks/endpoints/{ep}/messages/msg_nope/resend", null, 400, "messageId" },
        { "POST", $"/webhooks/endpoints/{{ep}}/messages/{MissingMessage}/resend", null, 404, "messageId" },
        { "POST", "/webhooks/endpoints/{off}/messages/{msg}/resend", null, 409, "endpointId" },

        // Skipping: only a blocked delivery, of the tenant's message, to the tenant's endpoint.
        { "POST", "/webhooks/endpoints/{ep}/messages/msg_nope/skip", null, 400, "messageId" },
        { "POST", "/webhooks/endpoints/ep_nope/messages/{msg}/skip", null, 400, "endpointId" },
        { "POST", $"/webhooks/endpoints/{{ep}}/messages/{MissingMessage}/skip", null, 404, "messageId" },
        { "POST", $"/webhooks/endpoints/{Missing}/messages/{{msg}}/skip", null, 404, "endpointId" },
        { "POST", "/webhooks/endpoints/{ep}/messages/{msg}/skip", null, 409, "messageId" },
        { "POST", "/webhooks/endpoints/{off}/messages/{msg}/skip", null, 409, "messageId" },

        // The endpoint list's pages.
        { "GET", "/webhooks/endpoints?limit=0", null, 400, "limit" },
        { "GET", "/webhooks/endpoints?limit=101", null, 400, "limit" },
        { "GET", "/webhooks/endpoints?cursor=not-a-cursor", null, 400, "cursor" },
        { "GET", "/webhooks/endpoints?cursor=bXNnXzE", null, 400, "cursor" },

        // The log's filters and cursors.
        { "GET", "/webhooks/messages?limit=0", null, 400, "limit" },
        { "GET", "/webhooks/messages?limit=101", null, 400, "limit" },
        { "GET", "/webhooks/messages?limit=ten", null, 400, "limit" },
        { "GET", "/webhooks/messages?status=lost", null, 400, "status" },
        { "GET", "/webhooks/messages?status=Blocked", null, 400, "status" },
        { "GET", "/webhooks/messages?since=yesterday", null, 400, "since" },
        { "GET", "/webhooks/messages?until=2026-13-45", null, 400, "until" },
        { "GET", "/webhooks/messages?cursor=not-a-cursor", null, 400, "cursor" },
        { "GET", "/webhooks/messages?cursor=bXNnXzE", null, 400, "cursor" },
        { "GET", "/webhooks/messages?eventType=no-such-event", null, 422, "eventType" },
        { "GET", "/webhooks/messages?endpointId=ep_x", null, 400, "endpointId" },
        { "GET", $"/webhooks/messages?endpointId={Missing}", null, 404, "endpointId" },
        { "GET", "/webhooks/messages?messageId=msg_x", null, 400, "messageId" },
        { "GET", "/webhooks/messages?messageId=%3Cscript%3E", null, 400, "messageId" },
        { "GET", "/webhooks/messages/msg_x", null, 400, "messageId" },
        { "GET", $"/webhooks/messages/{MissingMessage}", null, 404, "messageId" },
        { "GET", "/webhooks/attempts?status=pending", null, 400, "status" },
        { "GET", "/webhooks/attempts?cursor=MTIz-x", null, 400, "cursor" },
        { "GET", $"/webhooks/attempts?messageId={MissingMessage}", null, 404, "messageId" },
        { "GET", "/webhooks/attempts?limit=-1", null, 400, "limit" },
    };

    /// <summary>Changes under an If-Match that does not hold ({ep} is at version 1, {off} at 2), or cannot be read.</summary>
    public static TheoryData<string, string, string?, string, int, string> BadPreconditions() => new()
    {
        { "PUT", "/webhooks/endpoints/{ep}", $"{{{Ok}}}", "\"2\"", 412, "If-Match" },
        { "PUT", "/webhooks/endpoints/{ep}", $"{{{Ok}}}", "1", 400, "If-Match" },
        { "PUT", $"/webhooks/endpoints/{Missing}", $"{{{Ok}}}", "\"1\"", 404, "endpointId" },
        { "DELETE", "/webhooks/endpoints/{ep}", null, "W/\"1\"", 412, "If-Match" },
        { "DELETE", "/webhooks/endpoints/{ep}", null, "\"2\", \"3\"", 412, "If-Match" },
        { "DELETE", "/webhooks/endpoints/{ep}", null, "\"1", 400, "If-Match" },
        { "POST", "/webhooks/endpoints/{off}/enable", null, "\"1\"", 412, "If-Match" },
        { "POST", "/webhooks/endpoints/{ep}/disable", null, "\"7\"", 412, "If-Match" },
        { "POST", "/webhooks/endpoints/{ep}/disable", null, "", 400, "If-Match" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", null, "\"0\"", 412, "If-Match" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", null, "*, garbage", 400, "If-Match" },
    };

    /// <summary>Bodies not declared as UTF-8 JSON (<c>application/json</c>); no Content-Type at all included.</summary>
    public static TheoryData<string, string, string?, string, int, string> BadMediaTypes() => new()
    {
        { "POST", "/webhooks/endpoints", null, $"{{{Ok}}}", 415, "Content-Type" },
        { "PUT", "/webhooks/endpoints/{ep}", null, "{\"url\":\"http://127.0.0.1:9/other\"}", 415, "Content-Type" },
        { "POST", "/webhooks/endpoints/{ep}/secret/rotate", null, "{\"overlapSeconds\":0}", 415, "Content-Type" },
        { "POST", "/webhooks/endpoints/{ep}/test", null, "{\"eventType\":\"new-subscription\"}", 415, "Content-Type" },
        { "POST", "/webhooks/endpoints/{ep}/recover", null, "{\"since\":\"2026-01-01T00:00:00Z\"}", 415, "Content-Type" },
        { "POST", "/webhooks/endpoints", "application/json; charset=utf-16", $"{{{Ok}}}", 415, "Content-Type" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public Task BadRequest_IsAProblemNamingTheField_AndChangesNothing(string method, string path, string? body, int status, string field) =>
        AssertRefusedAsync(method, path, body is null ? null : "application/json", body, null, status, field);

    [Theory]
    [MemberData(nameof(BadMediaTypes))]
    public Task BadMediaType_IsAProblemNamingTheHeader_AndChangesNothing(string method, string path, string? contentType, string body, int status, string field) =>
        AssertRefusedAsync(method, path, contentType, body, null, status, field);

    [Theory]
    [MemberData(nameof(BadPreconditions))]
    public Task BadIfMatch_IsAProblemNamingTheField_AndChangesNothing(string method, string path, string? body, string ifMatch, int status, string field) =>
        AssertRefusedAsync(method, path, body is null ? null : "application/json", body, ifMatch, status, field);

    [Fact]
    public async Task JsonWithACharset_IsRead_AndAnEmptyOptionalBodyNeedsNoContentType()
    {
        var ep = fixture.Ids["{ep}"];
        using var charset = Body("{\"url\":\"http://127.0.0.1:9/charset\"}", "application/json; charset=utf-8");
        using var rotate = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/endpoints/{ep}/secret/rotate");
        var original = (await ManagementApi.GetAsync(fixture.Alice, $"/webhooks/endpoints/{ep}"))["url"]!.GetValue<string>();

        try
        {
            using var withCharset = await fixture.Alice.PutAsync($"/webhooks/endpoints/{ep}", charset);
            Assert.Equal("http://127.0.0.1:9/charset", (await ManagementApi.ReadAsync(withCharset))["url"]!.GetValue<string>());
            using var rotated = await fixture.Alice.SendAsync(rotate);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }
        finally
        {
            await ManagementApi.SetUrlAsync(fixture.Alice, ep, original);
        }
    }

    private static ByteArrayContent Body(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    private async Task AssertRefusedAsync(string method, string path, string? contentType, string? body, string? ifMatch, int status, string field)
    {
        var before = await ManagementIsolationTests.StateAsync(fixture.Alice);
        var url = fixture.Ids.Aggregate(path, (p, id) => p.Replace(id.Key, id.Value, StringComparison.Ordinal));
        using var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = body is null ? null : Body(body, contentType),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await fixture.Alice.SendAsync(request);

        var problem = await ManagementApi.ReadAsync(response);
        Assert.True((int)response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {problem.ToJsonString()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem["errors"]?[field] is not null, $"{method} {path}: the problem names '{field}': {problem.ToJsonString()}");
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.Equal(before, await ManagementIsolationTests.StateAsync(fixture.Alice));
    }

    [Fact]
    public async Task WrongContentType_IsUnsupported_AndStoresNothing()
    {
        var before = await ManagementIsolationTests.StateAsync(fixture.Alice);

        using var response = await fixture.Alice.PostAsync("/webhooks/endpoints", new StringContent("url=http://127.0.0.1:9/", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await ManagementIsolationTests.StateAsync(fixture.Alice));
    }
}
