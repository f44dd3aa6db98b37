namespace Hookline.Sqlite;

/// <summary>
/// Makes committed transactions durable by fsyncing the write-ahead log, outside the write lock and
/// shared by every commit that waits. Commits run with <c>synchronous=NORMAL</c> (their frames reach
/// the WAL file, not yet the disk); one fsync of that file then covers every commit before it. This
/// is what <c>synchronous=FULL</c> does, an fsync of the WAL after each commit, except that the next
/// writer need not wait for it and concurrent commits share one.
/// </summary>
/// <remarks>
/// The WAL file may be gone when the fsync comes: SQLite deletes it only after checkpointing it into
/// the database file and syncing that, so what it held is on disk already. SQLite takes no locks on
/// the WAL file, so opening and closing it here cannot drop one.
/// </remarks>
internal sealed class WalSync(string databaseFile) : IDisposable
{
    private readonly string _walFile = databaseFile + "-wal";
    private readonly SemaphoreSlim _syncing = new(1, 1);
    private long _committed;
    private long _synced;

    /// <summary>Counts a commit; call it inside the write lock, right after the commit. Returns its number for <see cref="SyncAsync"/>.</summary>
    public long Committed() => Interlocked.Increment(ref _committed);

    /// <summary>Returns once commit number <paramref name="commit"/> is on disk.</summary>
    public async Task SyncAsync(long commit, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _synced) >= commit)
        {
            return;
        }

        await _syncing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_synced >= commit)
            {
                return; // The fsync that ran while this one waited covered it.
            }

            var upTo = Volatile.Read(ref _committed); // Every commit counted so far has its frames in the file.
            Flush();
            Volatile.Write(ref _synced, upTo);
        }
        finally
        {
            _syncing.Release();
        }
    }

    public void Dispose() => _syncing.Dispose();

    private void Flush()
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_walFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return; // Checkpointed into the database file, synced, and deleted.
        }

        using (handle)
        {
            RandomAccess.FlushToDisk(handle);
        }
    }
}
