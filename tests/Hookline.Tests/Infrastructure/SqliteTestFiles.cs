using Microsoft.Data.Sqlite;

namespace Hookline.Tests;

/// <summary>Fresh SQLite files for tests, and their removal with the WAL companions.</summary>
internal static class SqliteTestFiles
{
    public static string NewPath() => Path.Combine(Path.GetTempPath(), $"hookline-{Guid.NewGuid():N}.db");

    public static void Delete(string file)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-hookline.lock" })
        {
            File.Delete(file + suffix);
        }
    }
}
