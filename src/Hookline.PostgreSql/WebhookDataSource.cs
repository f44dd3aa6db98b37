using Npgsql;

namespace Hookline.PostgreSql;

/// <summary>
/// The data source the store, its listener and its key ring use, asked of the app once: Hookline's own (made from a connection
/// string, disposed with the app's services) or the app's (left to the app).
/// </summary>
internal sealed class WebhookDataSource(NpgsqlDataSource dataSource, bool owned) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => owned ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (owned)
        {
            DataSource.Dispose();
        }
    }
}
