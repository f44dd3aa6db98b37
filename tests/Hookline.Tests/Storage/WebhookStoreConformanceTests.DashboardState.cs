using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// What every <see cref="IWebhookDashboardStateStore"/> must do: a link id is used once, by exactly one of concurrent callers,
/// and remembered until it expires; a tenant's revocation time only moves forward.
/// </summary>
public abstract partial class WebhookStoreConformanceTests
{
    protected IWebhookDashboardStateStore DashboardState => Store;

    [SkippableFact]
    public async Task RedeemLink_Twice_TheFirstWins_OtherIdsAreTheirOwn()
    {
        var expiresAt = T0.AddMinutes(10);

        Assert.True(await DashboardState.RedeemLinkAsync("link-a", expiresAt, T0, default));
        Assert.False(await DashboardState.RedeemLinkAsync("link-a", expiresAt, T0.AddMinutes(9), default));
        Assert.True(await DashboardState.RedeemLinkAsync("link-b", expiresAt, T0, default));
    }

    [SkippableFact]
    public async Task RedeemLink_ManyAtOnce_ExactlyOneWins()
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var redeems = Enumerable.Range(0, 8).Select(async _ =>
        {
            await start.Task;
            return await DashboardState.RedeemLinkAsync("link-a", T0.AddMinutes(10), T0, default);
        }).ToList();

        start.SetResult();
        var won = await Task.WhenAll(redeems);

        Assert.Single(won, w => w);
    }

    [SkippableFact]
    public async Task RedeemLink_AfterAnotherExpired_ForgetsTheExpiredId()
    {
        Assert.True(await DashboardState.RedeemLinkAsync("link-a", T0.AddMinutes(10), T0, default));
        Assert.True(await DashboardState.RedeemLinkAsync("link-b", T0.AddMinutes(30), T0.AddMinutes(10), default));

        // Purged by the write at 10 minutes, when it expired: only a link that no longer opens could ask again.
        Assert.True(await DashboardState.RedeemLinkAsync("link-a", T0.AddMinutes(40), T0.AddMinutes(11), default));
        Assert.False(await DashboardState.RedeemLinkAsync("link-b", T0.AddMinutes(30), T0.AddMinutes(11), default));
    }

    [SkippableFact]
    public async Task RevokeSessions_KeepsTheLatestTimePerTenant_ToTheMillisecond()
    {
        var at = T0.AddTicks(1_234_567);
        var kept = T0.AddMilliseconds(123);
        Assert.Null(await DashboardState.GetSessionsRevokedAtAsync("alice", default));

        await DashboardState.RevokeSessionsAsync("alice", at, default);
        Assert.Equal(kept, await DashboardState.GetSessionsRevokedAtAsync("alice", default));
        await DashboardState.RevokeSessionsAsync("alice", T0, default);
        Assert.Equal(kept, await DashboardState.GetSessionsRevokedAtAsync("alice", default));
        await DashboardState.RevokeSessionsAsync("alice", T0.AddHours(1), default);

        Assert.Equal(T0.AddHours(1), await DashboardState.GetSessionsRevokedAtAsync("alice", default));
        Assert.Equal(TimeSpan.Zero, (await DashboardState.GetSessionsRevokedAtAsync("alice", default))!.Value.Offset);
        Assert.Null(await DashboardState.GetSessionsRevokedAtAsync("bob", default));
    }
}
