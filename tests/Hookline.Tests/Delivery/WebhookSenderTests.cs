using System.Net;
using System.Net.Sockets;
using System.Text;
using Hookline.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Delivery;

public sealed class WebhookSenderTests : IDisposable
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("""{"username":"rick","monthlyFee":12.5}""");
    private static readonly string s_secret = WebhookSecret.Generate();

    private static WebhookLeasedDelivery Delivery(string url) =>
        TestSenders.Delivery(url, s_body, new WebhookEndpointSecret(s_secret, DateTimeOffset.UnixEpoch));
    private readonly TestSender _loopbackAllowed = CreateSender(["127.0.0.0/8"]);

    public void Dispose() => _loopbackAllowed.Dispose();

    [Fact]
    public async Task Send_ToAllowedLoopback_PostsTheStoredBytesSigned()
    {
        await using var receiver = await TestReceiver.StartAsync();

        var outcome = await _loopbackAllowed.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((204, WebhookAttemptErrorKind.None), (outcome.StatusCode, outcome.ErrorKind));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", "/hook"), (request.Method, request.Path));
        Assert.Equal(s_body, request.Body);
        Assert.Equal("application/json", request.Headers["content-type"]);
        Assert.StartsWith("Hookline/", request.Headers["user-agent"]);
        Assert.Equal("msg_1", request.Headers["webhook-id"]);
        var timestamp = long.Parse(request.Headers["webhook-timestamp"]);
        Assert.InRange(timestamp, outcome.StartedAt.ToUnixTimeSeconds() - 1, outcome.StartedAt.ToUnixTimeSeconds());
        Assert.Equal(WebhookSigner.Sign(WebhookSecret.Parse(s_secret), "msg_1", timestamp, s_body), request.Headers["webhook-signature"]);
    }

    [Fact]
    public async Task Send_DefaultPolicy_RefusesLoopbackAndSendsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender([]);

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((null, WebhookAttemptErrorKind.Forbidden), (outcome.StatusCode, outcome.ErrorKind));
        Assert.Contains("not allowed", outcome.Error);
        Assert.DoesNotContain("Loopback", outcome.Error);
        Assert.DoesNotContain("AllowedNetworks", outcome.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_HostThatDoesNotResolve_IsRefusedExactlyLikeOneResolvingToARefusedAddress()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender([]);

        var refused = await sender.SendAsync(Delivery(receiver.Url.Replace("127.0.0.1", "localhost")), default);
        // A label over 63 characters: the resolver refuses the name without asking any server.
        var unresolved = await sender.SendAsync(Delivery($"http://{new string('a', 64)}.example/hook"), default);

        Assert.Equal((WebhookAttemptErrorKind.Forbidden, refused.Error), (unresolved.ErrorKind, unresolved.Error));
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_RequireHttps_RefusesAnHttpUrlAndSendsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender(["127.0.0.0/8"], requireHttps: true);

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((null, WebhookAttemptErrorKind.Forbidden), (outcome.StatusCode, outcome.ErrorKind));
        Assert.Contains("Use an https URL.", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("RequireHttps", outcome.Error, StringComparison.Ordinal); // A server option tenants cannot change.
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_DefaultPolicy_RefusesLocalhostByName()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender([]);

        var outcome = await sender.SendAsync(Delivery(receiver.Url.Replace("127.0.0.1", "localhost")), default);

        Assert.Equal(WebhookAttemptErrorKind.Forbidden, outcome.ErrorKind);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_ErrorStatus_RecordsStatusAndBody()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(500, "database down"));

        var outcome = await _loopbackAllowed.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((500, WebhookAttemptErrorKind.HttpStatus, "database down"), (outcome.StatusCode, outcome.ErrorKind, outcome.ResponseBody));
    }

    [Fact]
    public async Task Send_Redirect_IsNotFollowed()
    {
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.Redirect("/elsewhere");
            return Task.CompletedTask;
        });

        var outcome = await _loopbackAllowed.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((302, WebhookAttemptErrorKind.HttpStatus), (outcome.StatusCode, outcome.ErrorKind));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Send_TooManyRequests_ReadsRetryAfter()
    {
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });

        var outcome = await _loopbackAllowed.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((429, TimeSpan.FromSeconds(120)), (outcome.StatusCode, outcome.RetryAfter));
    }

    [Fact]
    public async Task Send_LongResponse_KeepsTheFirstFourKiB()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(200, new string('x', 10_000)));

        var outcome = await _loopbackAllowed.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal(4096, outcome.ResponseBody!.Length);
    }

    [Fact]
    public async Task Send_Hang_TimesOut()
    {
        var time = new FakeTimeProvider();
        var timeout = TimeSpan.FromMinutes(1); // Longer than the test waits: it passes only on the fake clock.
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Hang);
        using var sender = CreateSender(["127.0.0.1/32"], timeout, time: time);

        var sending = sender.SendAsync(Delivery(receiver.Url), default);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the request reaches the receiver");
        time.Advance(timeout);
        var outcome = await sending.WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal((null, WebhookAttemptErrorKind.Timeout, timeout), (outcome.StatusCode, outcome.ErrorKind, outcome.Duration));
        Assert.Equal("Timed out after 60 s", outcome.Error); // In words, with the timeout it had: not "A task was canceled."
    }

    [Fact]
    public async Task Send_Reset_IsAConnectionReset()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Reset);

        var outcome = await _loopbackAllowed.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((null, WebhookAttemptErrorKind.ConnectionReset), (outcome.StatusCode, outcome.ErrorKind));
    }

    [Fact]
    public async Task Send_NothingListening_IsRefused()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        socket.Close();

        var outcome = await _loopbackAllowed.SendAsync(Delivery($"http://127.0.0.1:{port}/hook"), default);

        Assert.Equal(WebhookAttemptErrorKind.ConnectionRefused, outcome.ErrorKind);
    }

    [Fact]
    public async Task Send_DuringRotation_SignsWithEveryActiveSecret()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var next = WebhookSecret.Generate();
        var expired = WebhookSecret.Generate();
        var delivery = Delivery(receiver.Url) with
        {
            Secrets = [new(s_secret, default, DateTimeOffset.MaxValue), new(next, default), new(expired, default, DateTimeOffset.UnixEpoch)],
        };

        await _loopbackAllowed.SendAsync(delivery, default);

        var request = Assert.Single(receiver.Requests);
        var timestamp = long.Parse(request.Headers["webhook-timestamp"]);
        Assert.Equal(
            [WebhookSigner.Sign(WebhookSecret.Parse(s_secret), "msg_1", timestamp, s_body), WebhookSigner.Sign(WebhookSecret.Parse(next), "msg_1", timestamp, s_body)],
            request.Headers["webhook-signature"].Split(' '));
    }

    private static TestSender CreateSender(
        List<string> allowedNetworks, TimeSpan? timeout = null, bool requireHttps = false, TimeProvider? time = null)
    {
        var options = new WebhookOptions();
        options.Delivery.AllowedNetworks = allowedNetworks;
        options.Delivery.RequireHttps = requireHttps;
        options.Delivery.Timeout = timeout ?? TimeSpan.FromSeconds(15);
        return TestSenders.Create(options, time);
    }

}
