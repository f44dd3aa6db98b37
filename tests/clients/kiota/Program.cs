using System.Diagnostics;
using Hookline.Clients.Kiota;
using Hookline.Clients.Kiota.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

// Drives the sample's management API with the Kiota client generated from the document it serves, as an API user would, and
// checks every answer. GeneratedClientsTests generates the client, builds this program and runs it:
//   dotnet KiotaDriver.dll <API base URL> <destination URL> <alice's API key> <bob's API key>
// Exits 0 when the API answered as its document says, else 1 with what differed.
if (args is not [var baseUrl, var destination, var aliceKey, var bobKey])
{
    Console.Error.WriteLine("Usage: dotnet KiotaDriver.dll <API base URL> <destination URL> <alice's API key> <bob's API key>");
    return 2;
}

using var aliceHttp = KiotaClientFactory.Create();
using var bobHttp = KiotaClientFactory.Create();
using var aliceAdapter = Adapter(aliceHttp, aliceKey);
using var bobAdapter = Adapter(bobHttp, bobKey);
var alice = new ManagementClient(aliceAdapter);
var bob = new ManagementClient(bobAdapter);
try
{
    // Two endpoints, so that listing one a page takes two pages.
    var first = await CreateAsync($"{destination}/kiota-first", "Kiota: first");
    var second = await CreateAsync($"{destination}/kiota-second", "Kiota: second");
    var id = first.Id!;

    var read = Required(await alice.Webhooks.Endpoints[id].GetAsync(), "the endpoint read");
    Expect(
        (read.Id, read.Url, read.Description, read.Secret) == (id, first.Url, first.Description, null),
        $"reading {id} answers it, without its secret: got {read.Id} {read.Url} '{read.Description}'");
    Expect(read.Enabled == true && read.Version >= 1 && read.Circuit?.State is not null, "the endpoint read has its state");

    // Newest first, one a page, following the cursor until the last page.
    var listed = new List<string?>();
    string? cursor = null;
    do
    {
        var page = Required(
            await alice.Webhooks.Endpoints.GetAsync(r =>
            {
                r.QueryParameters.Limit = 1;
                r.QueryParameters.Cursor = cursor;
            }),
            "a page of endpoints");
        Expect(page.Data is [_], $"a page of limit 1 holds one endpoint, not {page.Data?.Count}");
        listed.Add(page.Data![0].Id);
        cursor = page.NextCursor;
    }
    while (cursor is not null && listed.Count < 10);
    Expect(listed.SequenceEqual([second.Id, first.Id]), $"the pages list {second.Id}, {first.Id}: got {string.Join(", ", listed)}");

    var rotated = Required(
        await alice.Webhooks.Endpoints[id].Secret.Rotate.PostAsync(new WebhookSecretRotationRequest()), "the new secret");
    Expect(rotated.Secret?.StartsWith("whsec_", StringComparison.Ordinal) == true, $"the rotated secret is a whsec_ one: {rotated.Secret}");
    Expect(rotated.Secret != first.Secret, "the rotated secret differs from the one the endpoint was registered with");
    var secret = Required(await alice.Webhooks.Endpoints[id].Secret.GetAsync(), "the secret read");
    Expect(secret.Secret == rotated.Secret, "reading the secret after the rotation answers the new one");

    // An event type's example is any JSON value (here an object): what a test event sends.
    var types = Required(await alice.Webhooks.EventTypes.GetAsync(), "the event types");
    var eventType = types.Data?.SingleOrDefault(t => t.Name == "new-subscription")
                    ?? throw new Mismatch("expected new-subscription among the event types");
    Expect(
        eventType.Example is UntypedObject example && example.GetValue().ContainsKey("username") && eventType.Schema is UntypedObject,
        $"new-subscription has its schema and an example subscription: {eventType.Example?.GetType().Name}");

    // A test event answers with the message and its one delivery, to this endpoint.
    var message = Required(
        await alice.Webhooks.Endpoints[id].Test.PostAsync(new WebhookTestRequest { EventType = eventType.Name }), "the test event");
    Expect(message.Id?.StartsWith("msg_", StringComparison.Ordinal) == true, $"the test event is a msg_ message: {message.Id}");
    Expect(message.EventType == "new-subscription", $"the test event is a new-subscription: {message.EventType}");
    Expect(
        message.Deliveries is [{ EndpointId: var to }] && to == id,
        $"the test event has one delivery, to {id}: {string.Join(", ", message.Deliveries?.Select(d => d.EndpointId) ?? [])}");

    // The attempt is logged once the dispatcher has made it, and the message lists under the endpoint once its delivery is made.
    var attempt = await FirstAttemptAsync(id, message.Id!);
    Expect(
        (attempt.MessageId, attempt.EndpointId, attempt.EventType) == (message.Id, id, "new-subscription"),
        $"the attempt is of {message.Id} at {id}: got {attempt.MessageId} at {attempt.EndpointId}");
    Expect(
        attempt.Succeeded == true && attempt.StatusCode is >= 200 and < 300 && attempt.DurationMs >= 0 && attempt.Id > 0,
        $"the attempt succeeded: {attempt.StatusCode} {attempt.ErrorKind} {attempt.Error}");

    var messages = Required(await alice.Webhooks.Messages.GetAsync(r => r.QueryParameters.EndpointId = id), "the messages");
    Expect(messages.Data?.Any(m => m.Id == message.Id) == true, $"the messages to {id} list {message.Id}");

    // Another tenant's endpoint is not found, whatever the call.
    Expect(await StatusAsync(() => bob.Webhooks.Endpoints[id].GetAsync()) == 404, "bob reading alice's endpoint is answered 404");
    Expect(await StatusAsync(() => bob.Webhooks.Endpoints[id].DeleteAsync()) == 404, "bob deleting alice's endpoint is answered 404");

    await alice.Webhooks.Endpoints[id].DeleteAsync();
    await alice.Webhooks.Endpoints[second.Id!].DeleteAsync();
    Expect(await StatusAsync(() => alice.Webhooks.Endpoints[id].GetAsync()) == 404, "a deleted endpoint is answered 404");
    var left = Required(await alice.Webhooks.Endpoints.GetAsync(), "the endpoints left");
    Expect(left.Data is [] && left.NextCursor is null, $"no endpoint is left: {left.Data?.Count}");

    Console.WriteLine($"Kiota client: every call answered as documented ({id}, {message.Id}).");
    return 0;
}
catch (Mismatch e)
{
    Console.Error.WriteLine($"Kiota client: {e.Message}");
    return 1;
}
catch (ApiException e)
{
    var problem = e switch
    {
        HttpValidationProblemDetails p => $"{p.Title} {p.Detail} {string.Join("; ", p.Errors?.AdditionalData.Keys ?? [])}",
        ProblemDetails p => $"{p.Title} {p.Detail}",
        _ => e.Message,
    };
    Console.Error.WriteLine($"Kiota client: the API answered {e.ResponseStatusCode}: {problem}\n{e.StackTrace}");
    return 1;
}

// The API key as a default header: Kiota's ApiKeyAuthenticationProvider refuses http, and the sample here is on loopback http.
HttpClientRequestAdapter Adapter(HttpClient http, string apiKey)
{
    http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    return new(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl };
}

async Task<WebhookEndpointResponse> CreateAsync(string url, string description)
{
    var created = Required(
        await alice.Webhooks.Endpoints.PostAsync(new WebhookEndpointRequest { Url = url, Description = description }), "the endpoint");
    Expect(created.Id?.StartsWith("ep_", StringComparison.Ordinal) == true, $"a new endpoint has an ep_ id: {created.Id}");
    Expect((created.Url, created.Description) == (url, description), $"a new endpoint has its settings: {created.Url}");
    Expect(created.Secret?.StartsWith("whsec_", StringComparison.Ordinal) == true, "a new endpoint comes with its whsec_ secret");
    return created;
}

async Task<WebhookAttemptResponse> FirstAttemptAsync(string endpointId, string messageId)
{
    var waited = Stopwatch.StartNew();
    while (true)
    {
        var attempts = Required(
            await alice.Webhooks.Attempts.GetAsync(r =>
            {
                r.QueryParameters.EndpointId = endpointId;
                r.QueryParameters.MessageId = messageId;
            }),
            "the attempts");
        if (attempts.Data is [var attempt, ..])
        {
            return attempt;
        }

        Expect(waited.Elapsed < TimeSpan.FromSeconds(30), $"an attempt of {messageId} is logged within 30 s");
        await Task.Delay(100);
    }
}

// The status a call was refused with, as the document's error type for it (a problem); 200 when it succeeds.
static async Task<int> StatusAsync(Func<Task> call)
{
    try
    {
        await call();
        return 200;
    }
    catch (HttpValidationProblemDetails problem)
    {
        Expect(problem.Status == problem.ResponseStatusCode, $"the problem's status {problem.Status} is the answer's");
        return problem.ResponseStatusCode;
    }
}

static T Required<T>(T? value, string what)
    where T : class => value ?? throw new Mismatch($"{what}: the answer has no body");

static void Expect(bool condition, string what)
{
    if (!condition)
    {
        throw new Mismatch($"expected {what}");
    }
}

/// <summary>An answer other than the document and the calls before it promise.</summary>
internal sealed class Mismatch(string message) : Exception(message);
