namespace Hookline.Dashboard.Links;

/// <summary>Where <c>MapWebhookDashboard</c> mapped the dashboard (relative to the app's root): what links point to.</summary>
internal sealed class DashboardPath
{
    private string? _path;

    public string Value =>
        _path ?? throw new InvalidOperationException(
            "Dashboard links open the dashboard, which is not mapped: add app.MapWebhookDashboard(\"/webhooks/dashboard\").");

    public void Set(string path)
    {
        if (_path is not null && _path != path)
        {
            throw new InvalidOperationException($"The dashboard is mapped at '{_path}' already; map it once.");
        }

        _path = path;
    }
}
