using Npgsql;

namespace Hookline.PostgreSql;

/// <summary>The data source <c>UsePostgreSql(connectionString)</c> made: Hookline's own, disposed with the app's services.</summary>
internal sealed class WebhookDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
