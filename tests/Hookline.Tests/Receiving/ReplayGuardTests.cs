using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Receiving;

/// <summary>
/// The replay guard, on by default, on a real Kestrel receiver: a verified <c>webhook-id</c> already handled is acknowledged
/// with 204 without running the handler again, a copy arriving while the first runs is refused with 409, a failed run lets the
/// sender's retry through, and forgeries are refused whatever their id.
/// </summary>
public sealed class ReplayGuardTests
{
    private const string Path = "/hooks/new-subscription";
    private const string Body = """{"username":"Zoë","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""";
    private static readonly string s_secret = WebhookSecret.Generate();

    [Theory]
    [InlineData("/hooks/new-subscription")]
    [InlineData("/group/raw")]
    [InlineData("/controller/subscription")]
    public async Task Resend_OfAHandledId_IsAcknowledgedWith204_AndTheHandlerRunsOnce(string path)
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var first = await receiver.PostSignedAsync(path, Body, "msg_1", s_secret);
        using var resend = await receiver.PostSignedAsync(path, Body, "msg_1", s_secret);
        receiver.Time.Advance(TimeSpan.FromMinutes(4));
        using var retry = await receiver.PostSignedAsync(path, Body, "msg_1", s_secret); // signed anew, as a sender's retry is
        using var other = await receiver.PostSignedAsync(path, Body, "msg_2", s_secret);

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent],
            new[] { first.StatusCode, resend.StatusCode, retry.StatusCode, other.StatusCode });
        Assert.Empty(await resend.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, receiver.Received.Count);
        Assert.Contains(receiver.Logs.Messages, m => m.Contains("Acknowledged webhook msg_1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resend_AfterTheWindow_RunsTheHandlerAgain()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var first = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);
        receiver.Time.Advance(TimeSpan.FromMinutes(6));
        using var late = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, late.StatusCode));
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Resend_WithTheGuardOff_RunsTheHandlerAgain()
    {
        await using var receiver = await ReceiverApp.StartAsync(o =>
        {
            o.Secrets = [s_secret];
            o.EnableReplayGuard = false;
        });

        using var first = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);
        using var resend = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, resend.StatusCode));
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Copies_ArrivingTogether_RunTheHandlerOnce_AndTheOthersGet409UntilItIsHandled()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        var (others, handled) = await SendCopiesTogetherAsync(receiver, "msg_1");
        using var retry = await receiver.PostSignedAsync("/group/gated", Body, "msg_1", s_secret);

        Assert.Equal(Enumerable.Repeat((HttpStatusCode.Conflict, (string?)"application/problem+json"), 7), others);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (handled, retry.StatusCode));
        Assert.Equal(1, receiver.Probe.Calls);
    }

    [Fact]
    public async Task Copies_ArrivingTogether_AfterTheWindow_RunTheHandlerOnce()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);
        using var first = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);
        // Past the window the id may run again, but still only once.
        receiver.Time.Advance(TimeSpan.FromMinutes(6));

        var (others, handled) = await SendCopiesTogetherAsync(receiver, "msg_1");

        Assert.Equal(Enumerable.Repeat((HttpStatusCode.Conflict, (string?)"application/problem+json"), 7), others);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, handled));
        Assert.Equal(1, receiver.Probe.Calls);
    }

    [Theory]
    [InlineData("/group/flaky")]
    [InlineData("/group/flaky?throws=true")]
    public async Task Retry_AfterTheHandlerFailed_RunsTheHandlerAgain_AndIsThenAcknowledged(string path)
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);

        using var failed = await receiver.PostSignedAsync(path, Body, "msg_1", s_secret);
        using var retry = await receiver.PostSignedAsync(path, Body, "msg_1", s_secret);
        using var resend = await receiver.PostSignedAsync(path, Body, "msg_1", s_secret);

        Assert.Equal(
            [HttpStatusCode.InternalServerError, HttpStatusCode.NoContent, HttpStatusCode.NoContent],
            new[] { failed.StatusCode, retry.StatusCode, resend.StatusCode });
        Assert.Equal(2, receiver.Probe.Calls);
    }

    [Fact]
    public async Task Forgery_WithAnIdSeenBefore_IsStillRefusedWith401()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.Secrets = [s_secret]);
        var now = receiver.Time.GetUtcNow().ToUnixTimeSeconds();
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        var signature = WebhookSigner.Sign([WebhookSecret.Parse(s_secret)], "msg_1", now, Encoding.UTF8.GetBytes(Body));

        using var forgedFirst = await receiver.PostSignedAsync(Path, Body, "msg_1", WebhookSecret.Generate());
        using var genuine = await receiver.PostSignedAsync(Path, Body, "msg_1", s_secret);
        using var forged = await receiver.PostSignedAsync(Path, Body, "msg_1", WebhookSecret.Generate());
        var changed = Body.Replace("9.99", "0.01", StringComparison.Ordinal);
        using var tampered = await receiver.PostAsync(Path, changed, "msg_1", timestamp, signature);
        using var unsigned = await receiver.PostAsync(Path, Body, "msg_1", timestamp, null);

        Assert.Equal(
            [
                HttpStatusCode.Unauthorized, HttpStatusCode.NoContent,
                HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
            ],
            new[] { forgedFirst.StatusCode, genuine.StatusCode, forged.StatusCode, tampered.StatusCode, unsigned.StatusCode });
        Assert.Equal(
            ["NoMatchingSignature", "NoMatchingSignature", "MissingHeader"],
            await Task.WhenAll(new[] { forged, tampered, unsigned }.Select(FailedCheckAsync)));
        Assert.Single(receiver.Received);
    }

    /// <summary>
    /// Posts 8 copies of one delivery to <c>/group/gated</c> at once. The copy that claims the id waits in the handler until the
    /// gate opens, which happens once every other copy is answered; returns the others' answers and then the claimant's.
    /// </summary>
    private static async Task<(List<(HttpStatusCode Status, string? MediaType)> Others, HttpStatusCode Handled)> SendCopiesTogetherAsync(
        ReceiverApp receiver, string id)
    {
        var pending = Enumerable.Range(0, 8).Select(_ => receiver.PostSignedAsync("/group/gated", Body, id, s_secret)).ToList();
        var others = new List<(HttpStatusCode Status, string? MediaType)>();
        while (pending.Count > 1)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            using var response = await done;
            others.Add((response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        }

        receiver.Probe.Gate.SetResult();
        using var handled = await pending.Single();
        return (others, handled.StatusCode);
    }

    private static async Task<string> FailedCheckAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["failedCheck"]!.GetValue<string>();
}
