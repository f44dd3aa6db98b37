using Hookline.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Endpoints;

public sealed class WebhookEndpointManagerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private SqliteTestHost _host = null!;

    private IWebhookEndpointManager Endpoints => _host.Endpoints;

    public async Task InitializeAsync() =>
        _host = await SqliteTestHost.StartAsync(
            webhooks =>
            {
                webhooks.MapPost<Ping>("ping");
                webhooks.MapPost<Invoice>("invoice.paid");
            },
            o =>
            {
                o.Delivery.Enabled = false;
                o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            },
            services => services.AddSingleton<TimeProvider>(_time));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_StoresAnEnabledEndpointWithANewSecret()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/hooks", Description = "Billing", EventTypes = ["ping", "ping"] }, tenant: "acme");

        Assert.StartsWith("ep_", created.Id);
        Assert.Equal(("acme", "https://127.0.0.1:9/hooks", "Billing", true), (created.Tenant, created.Url, created.Description, created.Enabled));
        Assert.Equal(["ping"], created.EventTypes!);
        var secret = Assert.Single(created.Secrets);
        Assert.Equal(32, WebhookSecret.Parse(secret.Value).Key.Length);
        Assert.Equivalent(created, await Endpoints.GetAsync(created.Id));
        Assert.Equal([created.Id], (await Endpoints.ListAsync("acme")).Select(e => e.Id));
        Assert.Empty(await Endpoints.ListAsync("other"));
    }

    [Fact]
    public async Task Create_WithAGivenSecret_KeepsIt()
    {
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" }, secret: Secret);

        Assert.Equal(Secret, Assert.Single(created.Secrets).Value);
    }

    [Theory]
    [InlineData("", "Url", "needs a URL")]
    [InlineData("/hooks", "Url", "is not an absolute http or https URL")]
    [InlineData("ftp://example.com/", "Url", "is not an absolute http or https URL")]
    [InlineData("file:///etc/passwd", "Url", "is not an absolute http or https URL")]
    [InlineData("https://user:pass@example.com/", "Url", "must not carry credentials")]
    [InlineData("https://127.0.0.1:9/#top", "Url", "must not have a fragment")]
    [InlineData("https://127.0.0.1:9/a b", "Url", "must not contain spaces or control characters; this one has U+0020")]
    [InlineData(" https://127.0.0.1:9/", "Url", "must not contain spaces or control characters")]
    [InlineData("https://127.0.0.1:9/\t", "Url", "must not contain spaces or control characters; this one has U+0009")]
    [InlineData("https://127.0.0.1:9/a\r\nX-Injected: 1", "Url", "must not contain spaces or control characters; this one has U+000D")]
    [InlineData("https://127.0.0.1:9/\u0000", "Url", "must not contain spaces or control characters; this one has U+0000")]
    [InlineData("https://127.0.0.1:9/\u00a0", "Url", "must not contain spaces or control characters; this one has U+00A0")]
    public async Task Create_BadUrl_ThrowsNamingItAndStoresNothing(string url, string parameter, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(new() { Url = url }));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(message, error.Message);
        Assert.Empty(await Endpoints.ListAsync());
    }

    [Fact]
    public async Task Create_TooLongUrlOrDescription_Throws()
    {
        var longUrl = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" + new string('a', 2048) }));
        var longDescription = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/", Description = new string('a', 1025) }));

        Assert.Equal(("Url", "Description"), (longUrl.ParamName, longDescription.ParamName));
        Assert.Empty(await Endpoints.ListAsync());
    }

    [Theory]
    [InlineData(new string[0], "at least one webhook")]
    [InlineData(new[] { "ping", "invoice.voided" }, "No webhook named 'invoice.voided' is declared; declared: 'invoice.paid', 'ping'.")]
    public async Task Create_BadEventTypes_ThrowsNamingThem(string[] eventTypes, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/", EventTypes = eventTypes }));

        Assert.Equal("EventTypes", error.ParamName);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("sk_live_abc123", "starts with 'whsec_'")]
    [InlineData("whsec_c2hvcnQ=", "24 to 64 bytes")]
    public async Task Create_BadSecret_ThrowsWithoutShowingIt(string secret, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" }, secret: secret));

        Assert.Equal("secret", error.ParamName);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain(secret, error.Message);
    }

    [Fact]
    public async Task Create_Polling_StoresAnEndpointWithoutAUrl_WhoseSettingsOfTheOtherKindAreRefused()
    {
        var polling = await Endpoints.CreateAsync(
            new() { Polling = true, EventTypes = ["ping"], Description = "firewalled" }, tenant: "acme");
        var sent = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" }, tenant: "acme");

        Assert.Equal((null, true, "firewalled"), (polling.Url, polling.IsPolling, polling.Description));
        Assert.Single(polling.Secrets);
        Assert.Equivalent(polling, await Endpoints.GetAsync(polling.Id));
        foreach (var (settings, parameter) in new (WebhookEndpointSettings, string)[]
        {
            (new() { Polling = true, Url = "https://127.0.0.1:9/" }, "Url"),
            (new() { Polling = true, RateLimit = 5 }, "RateLimit"),
            (new() { Polling = true, Ordering = WebhookOrdering.Ordered }, "Ordering"),
            (new() { Polling = true, EventTypes = ["invoice.voided"] }, "EventTypes"),
            (new() { Description = "neither" }, "Url"),
        })
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(settings, tenant: "acme"));
            Assert.Equal(parameter, refused.ParamName);
        }

        // An endpoint keeps its kind: a polling one is not given a URL, one with a URL is not made polling.
        Assert.Equal("Polling", (await Assert.ThrowsAsync<ArgumentException>(
            () => Endpoints.UpdateAsync(polling.Id, new() { Url = "https://127.0.0.1:9/" }))).ParamName);
        Assert.Equal("Polling", (await Assert.ThrowsAsync<ArgumentException>(
            () => Endpoints.UpdateAsync(sent.Id, new() { Polling = true }))).ParamName);
        Assert.Equal("now", (await Endpoints.UpdateAsync(polling.Id, new() { Polling = true, Description = "now" }))!.Description);
        Assert.Equal(2, (await Endpoints.ListAsync("acme")).Count);
        Assert.Equal(WebhookResendOutcome.NotFound, await Endpoints.ResendAsync("msg_01JD3X0000000000000000000Z", polling.Id));
    }

    [Fact]
    public async Task Update_ReplacesTheSettingsOnly()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/a", EventTypes = ["ping"] }, tenant: "acme");

        var updated = await Endpoints.UpdateAsync(created.Id, new() { Url = "https://127.0.0.1:9/b", Description = "New" });

        Assert.Equal(("https://127.0.0.1:9/b", "New", null, "acme"), (updated!.Url, updated.Description, updated.EventTypes, updated.Tenant));
        Assert.Equal(created.Secrets, updated.Secrets);
        Assert.Equivalent(updated, await Endpoints.GetAsync(created.Id));
        Assert.Null(await Endpoints.UpdateAsync("ep_missing", new() { Url = "https://127.0.0.1:9/" }));
    }

    [Fact]
    public async Task DisableAndEnable_StopAndResumeDeliveries()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });
        var pending = await PublishExpandedAsync(new Ping(1));

        var disabled = await Endpoints.DisableAsync(created.Id, "Maintenance");

        Assert.Equal((false, "Maintenance"), (disabled!.Enabled, disabled.DisabledReason));
        Assert.Equal(WebhookDeliveryStatus.Failed, Assert.Single(await _host.Log.ListDeliveriesAsync(pending, default)).Status);
        Assert.Empty(await _host.Log.ListDeliveriesAsync(await PublishExpandedAsync(new Ping(2)), default));
        var enabled = await Endpoints.EnableAsync(created.Id);
        Assert.Equal((true, null, null), (enabled!.Enabled, enabled.DisabledReason, enabled.FailingSince));
        Assert.Single(await _host.Log.ListDeliveriesAsync(await PublishExpandedAsync(new Ping(3)), default));
        Assert.Equal(1, await Endpoints.RecoverAsync(created.Id, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task RotateSecret_KeepsTheOldOneSigningForTheOverlap()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });
        _time.Advance(TimeSpan.FromMinutes(1));

        var rotated = (await Endpoints.RotateSecretAsync(created.Id))!;

        Assert.Equal(2, rotated.Secrets.Count);
        Assert.NotEqual(created.Secrets[0].Value, rotated.Secrets[0].Value);
        Assert.Null(rotated.Secrets[0].ExpiresAt);
        Assert.Equal(created.Secrets[0].Value, rotated.Secrets[1].Value);
        Assert.Equal(_time.GetUtcNow().AddHours(24), rotated.Secrets[1].ExpiresAt);
        _time.Advance(TimeSpan.FromHours(1));
        var again = (await Endpoints.RotateSecretAsync(created.Id, TimeSpan.Zero))!;
        // No overlap: the secret current until now stops at once; the first one keeps the rest of its overlap.
        Assert.Equal([again.Secrets[0].Value, created.Secrets[0].Value], again.Secrets.Where(s => s.IsActive(_time.GetUtcNow())).Select(s => s.Value));
        _time.Advance(TimeSpan.FromHours(23));
        Assert.Equal([again.Secrets[0].Value], again.Secrets.Where(s => s.IsActive(_time.GetUtcNow())).Select(s => s.Value));
        Assert.Null(await Endpoints.RotateSecretAsync("ep_missing"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Endpoints.RotateSecretAsync(created.Id, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task SignatureSchemes_EachHasItsCurrentSecret_RotationRenewsEach_ADroppedOneSignsForADay()
    {
        var both = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/", SignatureSchemes = [WebhookSignatureScheme.V1a, WebhookSignatureScheme.V1] });
        Assert.Equal([WebhookSignatureScheme.V1, WebhookSignatureScheme.V1a], both.SignatureSchemes);
        Assert.Equal(["whsec_", "whsk_"], both.Secrets.Select(s => s.Value[..(s.Value.IndexOf('_') + 1)]));
        _time.Advance(TimeSpan.FromMinutes(1));

        var rotated = (await Endpoints.RotateSecretAsync(both.Id))!;
        Assert.Equal(both.SignatureSchemes, rotated.SignatureSchemes);
        Assert.Equal(4, rotated.Secrets.Count(s => s.IsActive(_time.GetUtcNow())));
        Assert.All(both.Secrets, old => Assert.Equal(_time.GetUtcNow().AddHours(24), rotated.Secrets.Single(s => s.Value == old.Value).ExpiresAt));

        var v1a = (await Endpoints.UpdateAsync(both.Id, new() { Url = "https://127.0.0.1:9/", SignatureSchemes = [WebhookSignatureScheme.V1a] }))!;
        Assert.Equal([WebhookSignatureScheme.V1a], v1a.SignatureSchemes);
        var key = rotated.Secrets.Single(s => s.ExpiresAt is null && s.Scheme == WebhookSignatureScheme.V1a);
        Assert.Contains(key, v1a.Secrets); // Kept as it was: a scheme kept keeps its key.
        Assert.Equal(
            _time.GetUtcNow().AddHours(24),
            v1a.Secrets.Single(s => s.Value == rotated.Secrets.Single(r => r.ExpiresAt is null && r.Scheme == WebhookSignatureScheme.V1).Value).ExpiresAt);
    }

    [Fact]
    public async Task SignatureSchemes_ASecretForAnEndpointWithoutV1_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Endpoints.CreateAsync(
            new() { Url = "https://127.0.0.1:9/", SignatureSchemes = [WebhookSignatureScheme.V1a] }, secret: WebhookSecret.Generate()));

        Assert.Equal("secret", error.ParamName);
        Assert.Contains("add V1 to its SignatureSchemes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_AtAStaleVersion_ThrowAndChangeNothing()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });
        var disabled = (await Endpoints.DisableAsync(created.Id, ifVersion: created.Version))!;
        Assert.Equal((1L, 2L), (created.Version, disabled.Version));

        var calls = new Func<Task>[]
        {
            () => Endpoints.UpdateAsync(created.Id, new() { Url = "https://127.0.0.1:9/stale" }, ifVersion: 1),
            () => Endpoints.EnableAsync(created.Id, ifVersion: 1),
            () => Endpoints.DisableAsync(created.Id, "stale", ifVersion: 1),
            () => Endpoints.RotateSecretAsync(created.Id, ifVersion: 1),
            () => Endpoints.DeleteAsync(created.Id, ifVersion: 1),
        };
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<WebhookEndpointConflictException>(call);
            Assert.Equal((created.Id, 1L), (error.EndpointId, error.ExpectedVersion));
        }

        Assert.Equivalent(disabled, await Endpoints.GetAsync(created.Id));
        Assert.True(await Endpoints.DeleteAsync(created.Id, ifVersion: 2));
    }

    [Fact]
    public async Task Changes_WithoutAVersion_ApplyOnTopOfConcurrentOnes()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });

        var rotations = Enumerable.Range(0, 8).Select(_ => Endpoints.RotateSecretAsync(created.Id)).ToList();
        var updates = Enumerable.Range(0, 8).Select(i => Endpoints.UpdateAsync(created.Id, new() { Url = $"https://127.0.0.1:9/{i}" })).ToList();
        var disable = Endpoints.DisableAsync(created.Id, "racing");
        await Task.WhenAll([.. rotations, .. updates, disable]);

        var stored = (await Endpoints.GetAsync(created.Id))!;
        Assert.Equal(1 + 8 + 8 + 1, stored.Version);
        Assert.Equal((false, "racing"), (stored.Enabled, stored.DisabledReason));
        Assert.Superset(rotations.Select(r => r.Result!.Secrets[0].Value).ToHashSet(), stored.Secrets.Select(s => s.Value).ToHashSet());
        Assert.Equal(9, stored.Secrets.Count);
    }

    [Fact]
    public async Task RotateSecret_PastTheLimit_IsRefusedNamingWhenTheOldestOverlapEnds()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });
        var first = (await Endpoints.RotateSecretAsync(created.Id, TimeSpan.FromHours(1)))!;
        WebhookEndpoint last = first;
        for (var i = 0; i < 8; i++)
        {
            last = (await Endpoints.RotateSecretAsync(created.Id))!;
        }

        var error = await Assert.ThrowsAsync<WebhookSecretLimitException>(() => Endpoints.RotateSecretAsync(created.Id));

        Assert.Equal(10, last.Secrets.Count);
        Assert.Equal((created.Id, 10, first.Secrets[1].ExpiresAt!.Value), (error.EndpointId, error.MaxSecrets, error.AvailableAt));
        Assert.Contains(first.Secrets[1].ExpiresAt!.Value.ToString("O"), error.Message);
        Assert.Equivalent(last, await Endpoints.GetAsync(created.Id));

        // Without an overlap the current secret stops at once, so the count stays at the limit.
        Assert.Equal(10, (await Endpoints.RotateSecretAsync(created.Id, TimeSpan.Zero))!.Secrets.Count(s => s.IsActive(_time.GetUtcNow())));
    }

    [Fact]
    public async Task Delete_RemovesTheEndpoint()
    {
        var created = await Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });

        Assert.True(await Endpoints.DeleteAsync(created.Id));

        Assert.Null(await Endpoints.GetAsync(created.Id));
        Assert.False(await Endpoints.DeleteAsync(created.Id));
    }

    /// <summary>Publishes, then fans the message out as the dispatcher (off here) would: returns its id.</summary>
    private async Task<string> PublishExpandedAsync(Ping ping)
    {
        var published = await _host.Publisher.PublishAsync("ping", ping);
        await _host.Queue.ExpandAsync(_time.GetUtcNow(), 10, default);
        return published.MessageId;
    }
}
