using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>A query's limit is checked where it is set, so no store is asked for a negative number of rows.</summary>
public sealed class QueryLimitTests
{
    [Fact]
    public void Limit_BelowZero_IsRefusedByEveryQuery()
    {
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookMessageQuery { Limit = -1 }).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookAttemptQuery { Limit = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookEndpointQuery { Tenant = "acme", Limit = -1 });
        Assert.Equal(0, new WebhookMessageQuery { Limit = 0 }.Limit);
        Assert.Equal(50, new WebhookAttemptQuery().Limit);
    }
}
