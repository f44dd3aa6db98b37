namespace Hookline.Tests.Publishing;

/// <summary>Each caller waits for its own item's batch only: not for other callers' batches, and not after it stops waiting.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Add_LaterBatchesStillWriting_ReturnsOnceItsOwnBatchIsCommitted()
    {
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<IReadOnlyList<int>>();
        var commits = new GroupCommit<int, int>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            if (items.Contains(1))
            {
                firstStarted.SetResult();
                await first.Task;
            }
            else
            {
                await later.Task; // Other callers' batch, still being written.
            }

            return [.. items.Select(i => i * 10)];
        });

        var one = commits.AddAsync(1, default);
        await firstStarted.Task;
        var two = commits.AddAsync(2, default); // Queued while the first batch is written: the next batch.
        first.SetResult();

        Assert.Equal(10, await one.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(two.IsCompleted);
        later.SetResult();
        Assert.Equal(20, await two.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([1, 2], batches.Select(b => Assert.Single(b)));
    }

    [Fact]
    public async Task Add_CancelledWhileItsBatchIsWritten_StopsWaiting_AndTheBatchIsStillWritten()
    {
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = new TaskCompletionSource<IReadOnlyList<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = new GroupCommit<int, int>(async items =>
        {
            writing.SetResult();
            await write.Task; // A slow disk, or another writer holding the file.
            written.SetResult(items);
            return [.. items];
        });
        using var cancel = new CancellationTokenSource();

        var add = commits.AddAsync(1, cancel.Token);
        await writing.Task;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => add.WaitAsync(TimeSpan.FromSeconds(10)));
        write.SetResult();
        Assert.Equal([1], await written.Task.WaitAsync(TimeSpan.FromSeconds(10))); // Cancelling stops the wait, not the write.
    }
}
