using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Hookline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Sends one attempt: the stored bytes, signed with every active secret, through the <see cref="IHttpClientFactory"/> client
/// <see cref="WebhookDeliveryOptions.HttpClientName"/>, whose pooled connections never follow redirects and connect only where
/// the destination policy allows (<see cref="WebhookHttpClientSetup"/>).
/// </summary>
internal sealed class WebhookSender
{
    public const int ResponseSnippetBytes = 4096;
    private static readonly ProductInfoHeaderValue s_userAgent =
        new("Hookline", typeof(WebhookSender).Assembly.GetName().Version?.ToString(3));

    /// <summary>What a tenant reads of an attempt that could not be signed; the operator's cause goes to the log.</summary>
    public const string NotSignedError =
        "Nothing was sent: the sender could not read this endpoint's signing secret. The API's operator can fix this; "
        + "the delivery is retried on its schedule.";

    private readonly IHttpClientFactory _clients;
    private readonly EndpointSecretProtector _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;

    public WebhookSender(
        IHttpClientFactory clients,
        IOptions<WebhookOptions> options,
        EndpointSecretProtector secrets,
        TimeProvider time,
        ILogger<WebhookSender> logger)
    {
        var delivery = options.Value.Delivery;
        _clients = clients;
        _secrets = secrets;
        _time = time;
        _logger = logger;
        _timeout = delivery.Timeout;
    }

    public async Task<AttemptOutcome> SendAsync(WebhookLeasedDelivery delivery, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        using var request = SignedRequest(delivery, startedAt);
        if (request is null)
        {
            // This attempt fails, and only this one: the rest of its batch is sent, and it follows the retry schedule.
            return new AttemptOutcome(
                startedAt, _time.GetElapsedTime(started), null, null, null, WebhookAttemptErrorKind.Signing, NotSignedError);
        }

        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // A client per attempt, as IHttpClientFactory intends (its handler is shared and pooled); the attempt's timeout is
            // Delivery.Timeout on the TimeProvider, whatever the app set on the client.
            using var client = _clients.CreateClient(WebhookDeliveryOptions.HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token)
                .ConfigureAwait(false);
            var body = await ReadSnippetAsync(response.Content, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new AttemptOutcome(
                startedAt,
                _time.GetElapsedTime(started),
                status,
                body,
                RetryAfter(response.Headers.RetryAfter, startedAt),
                status is >= 200 and <= 299 ? WebhookAttemptErrorKind.None : WebhookAttemptErrorKind.HttpStatus,
                null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var kind = Classify(e, timeout.IsCancellationRequested);
            return new AttemptOutcome(
                startedAt,
                _time.GetElapsedTime(started),
                null,
                null,
                null,
                kind,
                // A timeout's exception says only that a task was canceled: say what happened, with the timeout it had.
                kind == WebhookAttemptErrorKind.Timeout ? TimedOut(_timeout) : Storable(e.GetBaseException().Message));
        }
    }

    /// <summary>What a tenant reads of an attempt that timed out: "Timed out after 15 s".</summary>
    internal static string TimedOut(TimeSpan timeout) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Timed out after {timeout.TotalSeconds:0.###} s");

    /// <summary>The request, signed with the endpoint's active secrets; null (and logged) when they cannot be read.</summary>
    private HttpRequestMessage? SignedRequest(WebhookLeasedDelivery delivery, DateTimeOffset now)
    {
        try
        {
            return CreateRequest(delivery, _secrets.Unprotect(delivery.EndpointId, delivery.Secrets), now);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            _logger.DeliveryNotSigned(e, delivery.MessageId, delivery.EndpointId);
            return null;
        }
    }

    private static HttpRequestMessage CreateRequest(
        WebhookLeasedDelivery delivery, IEnumerable<WebhookEndpointSecret> plain, DateTimeOffset now)
    {
        var signature = DeliverySignature.Sign(plain, delivery.MessageId, delivery.Payload.Span, now);
        var request = new HttpRequestMessage(new HttpMethod(delivery.Method), delivery.Url)
        {
            Content = new ReadOnlyMemoryContent(delivery.Payload),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.Add(s_userAgent);
        request.Headers.Add(WebhookHeaders.Id, signature.Id);
        request.Headers.Add(WebhookHeaders.Timestamp, signature.Timestamp);
        request.Headers.Add(WebhookHeaders.Signature, signature.Signature);
        request.Headers.Add("traceparent", TraceParent(Activity.Current));
        request.Options.Set(GuardedConnector.EndpointId, delivery.EndpointId);
        return request;
    }

    /// <summary>The W3C trace context of the attempt: its activity's, or a fresh unsampled one when nobody listens.</summary>
    private static string TraceParent(Activity? activity) => activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
        ? id
        : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";

    private static async Task<string> ReadSnippetAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[ResponseSnippetBytes];
            var read = 0;
            int chunk;
            while (read < buffer.Length
                   && (chunk = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
            {
                read += chunk;
            }

            return Storable(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    /// <summary>
    /// Text from the receiver as every store keeps it: U+0000, which PostgreSQL's text refuses, becomes U+FFFD, the character
    /// that bytes which are not UTF-8 already became.
    /// </summary>
    private static string Storable(string text) => text.Replace('\0', '\uFFFD');

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    private static WebhookAttemptErrorKind Classify(Exception error, bool timedOut)
    {
        if (timedOut && error is OperationCanceledException)
        {
            return WebhookAttemptErrorKind.Timeout;
        }

        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case DestinationForbiddenException:
                    return WebhookAttemptErrorKind.Forbidden;
                case AuthenticationException:
                    return WebhookAttemptErrorKind.Tls;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return WebhookAttemptErrorKind.ConnectionRefused;
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }:
                    return WebhookAttemptErrorKind.ConnectionReset;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return WebhookAttemptErrorKind.Dns;
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return WebhookAttemptErrorKind.Dns;
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return WebhookAttemptErrorKind.Tls;
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return WebhookAttemptErrorKind.ConnectionReset;
            }
        }

        return WebhookAttemptErrorKind.Other;
    }
}
