using System.Reflection;
using Hookline.Dashboard;
using Hookline.Receiving;

namespace Hookline.Tests.Conventions;

/// <summary>The naming rules of docs/glossary.md, checked on the compiled packages.</summary>
public class PublicSurfaceTests
{
    /// <summary>Each package with its range of log event ids.</summary>
    public static TheoryData<string, int> Packages => new()
    {
        { typeof(IWebhookPublisher).Assembly.GetName().Name!, 1000 },
        { typeof(SqliteWebhooksBuilderExtensions).Assembly.GetName().Name!, 2000 },
        { typeof(PostgreSqlWebhooksBuilderExtensions).Assembly.GetName().Name!, 3000 },
        { typeof(WebhookDashboardOptions).Assembly.GetName().Name!, 4000 },
        { typeof(WebhookReceivingOptions).Assembly.GetName().Name!, 5000 },
        { typeof(global::Hookline.StandardWebhooks.WebhookSigner).Assembly.GetName().Name!, 6000 },
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicTypes_CarryWebhookInTheirName(string package, int eventIds)
    {
        _ = eventIds;
        var unprefixed = Assembly.Load(package).GetExportedTypes()
            .Where(t => !t.IsNested && !t.Name.Contains("Webhook", StringComparison.Ordinal))
            .Select(t => t.FullName);
        Assert.Empty(unprefixed);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void LogEventIds_AreInTheirPackagesRange_AndNamedOnce(string package, int eventIds)
    {
        var ids = Assembly.Load(package).GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.All(ids, id => Assert.InRange(id, eventIds + 1, eventIds + 999));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
