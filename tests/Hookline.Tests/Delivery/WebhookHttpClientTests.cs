using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hookline.Storage;

namespace Hookline.Tests.Delivery;

/// <summary>
/// The delivery client as apps configure it through IHttpClientFactory (handlers, a primary handler, a proxy), with Hookline's
/// safety applied after them: real Kestrel receivers and a real proxy, all on loopback.
/// </summary>
public sealed class WebhookHttpClientTests
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("""{"sequence":1}""");

    private static WebhookLeasedDelivery Delivery(string url) =>
        TestSenders.Delivery(url, s_body, new WebhookEndpointSecret(WebhookSecret.Generate(), DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task Send_HandlerAddedThroughTheFactory_SeesEveryAttempt()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Status(500), TestReceiver.Status(204)));
        using var sender = CreateSender(["127.0.0.1/32"], services => services
            .AddHttpClient(WebhookDeliveryOptions.HttpClientName)
            .AddHttpMessageHandler(() => new StampingHandler("x-egress")));

        var first = await sender.SendAsync(Delivery(receiver.Url), default);
        var second = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((500, 204), (first.StatusCode, second.StatusCode));
        Assert.Equal(["1", "2"], receiver.Requests.Select(r => r.Headers["x-egress"]));
    }

    [Fact]
    public async Task Send_HttpClientDefaults_DoNotReachTheDeliveryClient()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender(["127.0.0.1/32"], services =>
        {
            // As an app's service defaults do (.NET Aspire's add a resilience handler here): meant for the app's own services.
            services.ConfigureHttpClientDefaults(defaults => defaults
                .AddHttpMessageHandler(() => new StampingHandler("x-default-handler"))
                .ConfigureHttpClient(client => client.DefaultRequestHeaders.Add("x-default-header", "internal")));
            services.AddHttpClient(WebhookDeliveryOptions.HttpClientName).AddHttpMessageHandler(() => new StampingHandler("x-named"));
        });

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal(204, outcome.StatusCode);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("1", request.Headers["x-named"]);
        Assert.DoesNotContain("x-default-handler", request.Headers.Keys);
        Assert.DoesNotContain("x-default-header", request.Headers.Keys);
    }

    [Fact]
    public async Task Send_PrimaryHandlerAllowingRedirectsAndCookies_FollowsNoRedirectAndSendsNoCookie()
    {
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.Cookies.Append("session", "from-receiver");
            context.Response.Redirect("/elsewhere");
            return Task.CompletedTask;
        });
        var cookies = new CookieContainer();
        cookies.Add(new Uri(receiver.BaseUrl), new Cookie("app-session", "secret"));
        using var sender = CreateSender(["127.0.0.1/32"], services => services
            .AddHttpClient(WebhookDeliveryOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = true,
                UseCookies = true,
                CookieContainer = cookies,
                Credentials = new NetworkCredential("app", "password"),
            }));

        var first = await sender.SendAsync(Delivery(receiver.Url), default);
        var second = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((302, WebhookAttemptErrorKind.HttpStatus), (first.StatusCode, first.ErrorKind));
        Assert.Equal(302, second.StatusCode);
        Assert.Equal(["/hook", "/hook"], receiver.Requests.Select(r => r.Path)); // "/elsewhere" is never asked for.
        Assert.All(receiver.Requests, r => Assert.DoesNotContain("cookie", r.Headers.Keys));
        Assert.All(receiver.Requests, r => Assert.DoesNotContain("authorization", r.Headers.Keys));
    }

    [Fact]
    public async Task Send_ClientConfiguredBeforeHooklineRegistersIt_GetsTheAppsHandlerAndHooklinesSafety()
    {
        using var certificate = SelfSignedLoopbackCertificate();
        await using var receiver = await TestReceiver.StartAsync(
            context =>
            {
                context.Response.Redirect("/elsewhere", permanent: false, preserveMethod: true); // 307: the POST would be repeated.
                return Task.CompletedTask;
            },
            certificate);
        var options = new WebhookOptions();
        options.Delivery.AllowedNetworks = ["127.0.0.1/32"];
        // The app's own handler, which alone trusts the receiver's certificate, and allows redirects.
        var handler = new SocketsHttpHandler { AllowAutoRedirect = true };
        handler.SslOptions.RemoteCertificateValidationCallback = Trusting(certificate);
        using var sender = TestSenders.Create(options, services: services => services
            .AddHttpClient(WebhookDeliveryOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => handler)
            .AddHttpMessageHandler(() => new StampingHandler("x-egress")), servicesFirst: true);

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal(307, outcome.StatusCode);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("/hook", "1"), (request.Path, request.Headers["x-egress"]));
    }

    [Fact]
    public async Task Send_AppPrimaryHandler_StillRefusesWhatThePolicyRefuses()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender([], services => services
            .AddHttpClient(WebhookDeliveryOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()));

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((null, WebhookAttemptErrorKind.Forbidden, DestinationForbiddenException.AddressNotAllowed), (outcome.StatusCode, outcome.ErrorKind, outcome.Error));
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Start_PrimaryHandlerNotSockets_FailsNamingTheClientTheHandlerAndTheFix()
    {
        var error = await StartFailureAsync(client => client.ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler()));

        Assert.Contains("'Hookline.Webhooks'", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Net.Http.HttpClientHandler", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hookline needs a SocketsHttpHandler", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseSocketsHttpHandler((handler, _) => handler.Proxy = ...)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AppConnectCallback_FailsRatherThanReplacingItSilently()
    {
        var error = await StartFailureAsync(client => client.UseSocketsHttpHandler((handler, _) =>
            handler.ConnectCallback = (context, cancellationToken) => throw new InvalidOperationException("never called")));

        Assert.Contains("'Hookline.Webhooks'", error.Message, StringComparison.Ordinal);
        Assert.Contains("has a ConnectCallback set", error.Message, StringComparison.Ordinal);
        Assert.Contains("set the handler's Proxy instead", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ThroughAProxy_GoesThroughTheProxy_OnAnAddressThePolicyWouldRefuse()
    {
        await using var receiver = await TestReceiver.StartAsync();
        // The operator chose the proxy: 127.0.0.2 is let through, though only the receiver's 127.0.0.1 is allowed.
        await using var proxy = TestProxy.Start(IPAddress.Parse("127.0.0.2"));
        using var sender = CreateSender(["127.0.0.1/32"], UsingProxy(proxy));

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal((204, WebhookAttemptErrorKind.None), (outcome.StatusCode, outcome.ErrorKind));
        Assert.Equal([$"POST {receiver.Url} HTTP/1.1"], proxy.RequestLines);
        Assert.Equal("msg_1", Assert.Single(receiver.Requests).Headers["webhook-id"]);
    }

    [Fact]
    public async Task Send_HttpsThroughAProxy_TunnelsThroughTheProxy()
    {
        using var certificate = SelfSignedLoopbackCertificate();
        await using var receiver = await TestReceiver.StartAsync(certificate: certificate);
        await using var proxy = TestProxy.Start(IPAddress.Parse("127.0.0.2"));
        using var sender = CreateSender(["127.0.0.1/32"], UsingProxy(proxy, certificate), requireHttps: true);

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.StartsWith("https://", receiver.Url, StringComparison.Ordinal);
        Assert.Equal((204, WebhookAttemptErrorKind.None), (outcome.StatusCode, outcome.ErrorKind));
        Assert.Equal([$"CONNECT {new Uri(receiver.Url).Authority} HTTP/1.1"], proxy.RequestLines);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Send_ThroughAProxy_DestinationThePolicyRefuses_IsRefusedBeforeAnythingReachesTheProxy(string host)
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var proxy = TestProxy.Start();
        using var sender = CreateSender([], UsingProxy(proxy)); // The default policy: loopback is refused.
        var url = new UriBuilder(receiver.Url) { Host = host };

        var http = await sender.SendAsync(Delivery(url.Uri.ToString()), default);
        url.Scheme = Uri.UriSchemeHttps;
        var https = await sender.SendAsync(Delivery(url.Uri.ToString()), default);

        Assert.All([http, https], outcome => Assert.Equal(
            (null, WebhookAttemptErrorKind.Forbidden, DestinationForbiddenException.AddressNotAllowed),
            (outcome.StatusCode, outcome.ErrorKind, outcome.Error)));
        Assert.Equal(0, proxy.Connections);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_ThroughAProxy_RequireHttps_RefusesAnHttpUrlBeforeAnythingReachesTheProxy()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var proxy = TestProxy.Start();
        using var sender = CreateSender(["127.0.0.1/32"], UsingProxy(proxy), requireHttps: true);

        var outcome = await sender.SendAsync(Delivery(receiver.Url), default);

        Assert.Equal(WebhookAttemptErrorKind.Forbidden, outcome.ErrorKind);
        Assert.Contains("Use an https URL.", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, proxy.Connections);
    }

    private static Action<IServiceCollection> UsingProxy(TestProxy proxy, X509Certificate2? trusted = null) => services => services
        .AddHttpClient(WebhookDeliveryOptions.HttpClientName)
        .UseSocketsHttpHandler((handler, _) =>
        {
            handler.Proxy = new WebProxy(proxy.Url);
            if (trusted is not null)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = Trusting(trusted);
            }
        });

    private static RemoteCertificateValidationCallback Trusting(X509Certificate2 trusted) => (_, certificate, _, _) =>
        certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString();

    private static async Task<Exception> StartFailureAsync(Action<IHttpClientBuilder> configure)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var host = await WebhookDispatcherTests.StartAsync(
                services: services => configure(services.AddHttpClient(WebhookDeliveryOptions.HttpClientName)));
        });
        return Assert.IsType<InvalidOperationException>(error);
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the key in a form it can use on every platform: a round trip through PKCS #12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static TestSender CreateSender(List<string> allowedNetworks, Action<IServiceCollection> services, bool requireHttps = false)
    {
        var options = new WebhookOptions();
        options.Delivery.AllowedNetworks = allowedNetworks;
        options.Delivery.RequireHttps = requireHttps;
        return TestSenders.Create(options, services: services);
    }

    /// <summary>Adds a header counting the requests it has seen, as an app's handler (an egress token, say) would.</summary>
    private sealed class StampingHandler(string header) : DelegatingHandler
    {
        private int _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(header, Interlocked.Increment(ref _count).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
