namespace ScopeSafety.Tests;

/// <summary>Asynchronous scopes: RunAsync waits for every item past all its awaits, without blocking a thread.</summary>
public class AsyncScopeTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public Task RunAsync_completes_only_after_every_async_item_has_passed_all_its_awaits() => BoundedAsync.Run(async () =>
    {
        var finished = 0;
        await Scope.RunAsync(async scope =>
        {
            for (var i = 0; i < 200; i++)
            {
                scope.SpawnAsync(async () =>
                {
                    await Task.Yield();
                    await Task.Delay(1);
                    Interlocked.Increment(ref finished);
                });
            }

            await Task.Yield();
        });

        Assert.Equal(200, finished);
    });

    [Fact]
    public Task RunAsync_returns_a_pending_task_at_once_while_items_wait_and_completes_when_they_finish() => BoundedAsync.Run(async () =>
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var after = 0;
        var run = Scope.RunAsync(async scope =>
        {
            scope.SpawnAsync(async () =>
            {
                await gate.Task;
                after = 1;
            });
            await Task.CompletedTask;
        });

        // The caller got its task back while the item is still suspended: nothing blocked this thread.
        Assert.False(run.IsCompleted);
        gate.SetResult();
        await run;
        Assert.Equal(1, after);
    });

    [Fact]
    public Task Items_spawned_by_async_items_after_an_await_are_waited_for_too() => BoundedAsync.Run(async () =>
    {
        var leaves = 0;
        await Scope.RunAsync(async scope =>
        {
            for (var i = 0; i < 10; i++)
            {
                scope.SpawnAsync(async () =>
                {
                    await Task.Yield();
                    for (var j = 0; j < 10; j++)
                    {
                        scope.SpawnAsync(async () =>
                        {
                            await Task.Delay(1);
                            Interlocked.Increment(ref leaves);
                        });
                    }
                });
            }

            await Task.Yield();
        });

        Assert.Equal(100, leaves);
    });

    [Fact]
    public Task Synchronous_Spawn_inside_RunAsync_is_waited_for() => BoundedAsync.Run(async () =>
    {
        var counts = new int[100];
        await Scope.RunAsync(async scope =>
        {
            await Task.Yield();
            for (var i = 0; i < counts.Length; i++)
            {
                var index = i;
                scope.Spawn(() => counts[index]++);
            }
        });

        Assert.All(counts, count => Assert.Equal(1, count));
    });

    [Fact]
    public Task Await_gives_the_result_of_an_item_and_RunAsync_gives_the_body_result() => BoundedAsync.Run(async () =>
    {
        var total = await Scope.RunAsync(async scope =>
        {
            var left = scope.SpawnAsync(async () =>
            {
                await Task.Yield();
                return 20;
            });
            var right = scope.SpawnAsync(async token =>
            {
                await Task.Delay(1, token);
                return 22;
            });
            var sync = scope.Spawn(() => 100);
            return await left + await right + await sync;
        });

        Assert.Equal(142, total);
    });

    [Fact]
    public Task When_the_body_throws_RunAsync_still_waits_for_the_items_then_faults_with_the_body_exception() => BoundedAsync.Run(async () =>
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var itemFinished = false;
        var thrown = new InvalidOperationException("body failed");
        var run = Scope.RunAsync(async scope =>
        {
            // Started before the body fails: an item that had not started would be skipped (cancelled).
            scope.SpawnAsync(async () =>
            {
                started.SetResult();
                await gate.Task;
                itemFinished = true;
            });
            await started.Task;
            throw thrown;
        });

        await Task.Delay(20);
        Assert.False(run.IsCompleted);
        gate.SetResult();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Same(thrown, error);
        Assert.True(itemFinished);
    });

    [Fact]
    public Task Every_unobserved_failure_is_in_the_task_exception_and_await_throws_the_first() => BoundedAsync.Run(async () =>
    {
        var first = new InvalidOperationException("first");
        var second = new ArgumentException("second");
        var bothRunning = new CountdownEvent(2);
        var run = Scope.RunAsync(async scope =>
        {
            // Both fail whatever the other does: neither looks at the scope token.
            scope.SpawnAsync(async () =>
            {
                await Task.Yield();
                bothRunning.Signal();
                Bounded.Wait(bothRunning);
                throw first;
            });
            scope.SpawnAsync(async () =>
            {
                await Task.Yield();
                bothRunning.Signal();
                Bounded.Wait(bothRunning);
                throw second;
            });
            await Task.CompletedTask;
        });

        var awaited = await Assert.ThrowsAnyAsync<Exception>(() => run);
        Assert.True(run.IsFaulted);
        var all = run.Exception!.InnerExceptions;
        Assert.Equal(2, all.Count);
        Assert.Contains(first, all);
        Assert.Contains(second, all);
        Assert.Same(all[0], awaited);
    });

    [Fact]
    public Task Every_awaiter_of_an_unfinished_item_resumes_with_its_result() => BoundedAsync.Run(async () =>
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var results = await Scope.RunAsync(async scope =>
        {
            var item = scope.SpawnAsync(async () =>
            {
                await gate.Task;
                return 42;
            });

            // Both start waiting while the item cannot finish, so they share one completion source.
            var byLocalFunction = AwaitItem(item);
            var bySibling = scope.SpawnAsync(async () => await item + 1);
            Assert.False(item.IsCompleted);

            gate.SetResult();
            return (await item, await byLocalFunction, await bySibling);
        });

        Assert.Equal((42, 42, 43), results);

        static async Task<int> AwaitItem(ScopedTask<int> item) => await item;
    });

    [Fact]
    public Task An_item_failure_awaited_by_the_body_is_the_body_s_and_not_reported_again() => BoundedAsync.Run(async () =>
    {
        var thrown = new InvalidOperationException("handled");
        var handled = false;
        await Scope.RunAsync(async scope =>
        {
            var item = scope.SpawnAsync(async () =>
            {
                await Task.Yield();
                throw thrown;
            });
            try
            {
                await item;
            }
            catch (InvalidOperationException e) when (e == thrown)
            {
                handled = true;
            }

            Assert.True(item.IsFaulted);
            Assert.Same(thrown, item.Exception);
        });

        Assert.True(handled);
    });

    [Fact]
    public Task The_first_failure_cancels_the_token_given_to_async_siblings() => BoundedAsync.Run(async () =>
    {
        var thrown = new InvalidOperationException("first failure");
        ScopedTask? sibling = null;
        var run = Scope.RunAsync(async scope =>
        {
            sibling = scope.SpawnAsync(async token => await Task.Delay(Timeout.Infinite, token));
            scope.SpawnAsync(async () =>
            {
                await Task.Yield();
                throw thrown;
            });
            await Task.CompletedTask;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => run);

        // The sibling's cancellation is a cancellation, not a second failure.
        Assert.Same(thrown, Assert.Single(run.Exception!.InnerExceptions));
        Assert.True(sibling!.IsCanceled);
    });

    [Fact]
    public Task The_caller_token_cancels_the_scope_and_RunAsync_ends_with_OperationCanceledException() => BoundedAsync.Run(async () =>
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScopedTask? item = null;
        var run = Scope.RunAsync(
            async scope =>
            {
                item = scope.SpawnAsync(async token =>
                {
                    started.SetResult();
                    await Task.Delay(Timeout.Infinite, token);
                });
                await Task.CompletedTask;
            },
            cts.Token);

        // The body has returned; the caller's token still reaches the item.
        await started.Task;
        cts.Cancel();
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, canceled.CancellationToken);
        Assert.True(run.IsCanceled);
        Assert.True(item!.IsCanceled);
    });

    [Fact]
    public async Task An_already_cancelled_caller_token_cancels_RunAsync_before_the_body_runs()
    {
        var ran = false;
        var run = Scope.RunAsync(
            async scope =>
            {
                ran = true;
                await Task.Yield();
            },
            new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(ran);
    }

    [Fact]
    public Task A_body_ending_with_the_scope_s_own_cancellation_cancels_the_task() => BoundedAsync.Run(async () =>
    {
        var run = Scope.RunAsync(async scope =>
        {
            await Task.Yield();
            scope.Cancel();
            scope.CancellationToken.ThrowIfCancellationRequested();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(run.IsCanceled);
    });

    [Fact]
    public Task AsyncLocal_values_flow_into_async_items_past_their_awaits() => BoundedAsync.Run(async () =>
    {
        Ambient.Value = "request 42";
        var seen = new string?[20];
        await Scope.RunAsync(async scope =>
        {
            for (var i = 0; i < seen.Length; i++)
            {
                var index = i;
                scope.SpawnAsync(async () =>
                {
                    await Task.Delay(1);
                    seen[index] = Ambient.Value;
                });
            }

            await Task.Yield();
        });

        Assert.All(seen, value => Assert.Equal("request 42", value));
    });

    [Fact]
    public Task SpawnAsync_on_a_finished_async_scope_throws_InvalidOperationException() => BoundedAsync.Run(async () =>
    {
        Scope? escaped = null;
        await Scope.RunAsync(async scope =>
        {
            escaped = scope;
            await Task.Yield();
        });

        Assert.Throws<InvalidOperationException>(() => escaped!.SpawnAsync(async () => await Task.Yield()));
        Assert.Throws<InvalidOperationException>(() => escaped!.Spawn(() => { }));
    });

    [Fact]
    public Task Join_of_an_async_item_from_synchronous_code_waits_past_its_awaits() => BoundedAsync.Run(async () =>
    {
        var value = 0;
        await Task.Run(() => Scope.Run(scope =>
        {
            var item = scope.SpawnAsync(async () =>
            {
                await Task.Delay(5);
                return 7;
            });
            value = item.Join();
        }));

        Assert.Equal(7, value);
    });

    [Fact]
    public Task SpawnAsync_work_that_returns_null_fails_loudly() => BoundedAsync.Run(async () =>
    {
        var run = Scope.RunAsync(async scope =>
        {
            scope.SpawnAsync(() => null!);
            await Task.CompletedTask;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => run);
    });
}

/// <summary>Async scopes under load: every failure that happened is reported, every item is accounted for.</summary>
public class AsyncScopeStressTests
{
    [Fact]
    public Task Under_load_no_failure_is_lost_and_every_item_either_ran_or_was_skipped() => BoundedAsync.Run(async () =>
    {
        for (var round = 0; round < 20; round++)
        {
            const int Items = 2_000;
            var thrown = 0;
            var finished = 0;
            var tasks = new ScopedTask[Items];
            var run = Scope.RunAsync(async scope =>
            {
                for (var i = 0; i < Items; i++)
                {
                    var index = i;
                    tasks[i] = scope.SpawnAsync(async () =>
                    {
                        await Task.Yield();
                        if (index % 97 == 13)
                        {
                            Interlocked.Increment(ref thrown);
                            throw new InvalidOperationException("item " + index);
                        }

                        Interlocked.Increment(ref finished);
                    });
                }

                await Task.Yield();
            });

            await Assert.ThrowsAsync<InvalidOperationException>(() => run);

            // Each failure that happened is in the task, once; the items the first failure's cancellation
            // skipped never ran; nothing is still running.
            Assert.Equal(thrown, run.Exception!.InnerExceptions.Count);
            Assert.Equal(thrown, run.Exception.InnerExceptions.Distinct().Count());
            Assert.All(tasks, task => Assert.True(task.IsCompleted));
            Assert.Equal(Items, finished + thrown + tasks.Count(t => t.IsCanceled));
        }
    });
}

/// <summary>Async scopes on a pool capped at the core count: no thread is blocked while a scope waits.</summary>
[Collection(nameof(SerialCollection))]
public class AsyncScopeCappedPoolTests
{
    [Fact]
    public void Many_concurrent_async_scopes_waiting_on_one_gate_finish_on_a_capped_pool() => Bounded.Run(() =>
    {
        // One thread more than the pool has now: the test host may keep some of those blocked, but at least
        // one is free, and that is all that non-blocking scopes need. A synchronous test on its own thread,
        // because an async test would need pool threads of its own.
        using var pool = new CappedPool(ThreadPool.ThreadCount + 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = 0;
        var scopes = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            scopes.Add(Scope.RunAsync(async scope =>
            {
                scope.SpawnAsync(async () =>
                {
                    await gate.Task;
                    await Scope.RunAsync(async inner =>
                    {
                        inner.SpawnAsync(async () =>
                        {
                            await Task.Yield();
                            Interlocked.Increment(ref done);
                        });
                        await Task.Yield();
                    });
                });
                await gate.Task;
            }));
        }

        // If waiting held a thread, 200 waiting scopes on a pool of core-count threads would never finish.
        Assert.All(scopes, scope => Assert.False(scope.IsCompleted));
        gate.SetResult();
        Assert.True(Task.WhenAll(scopes).Wait(Bounded.Limit), "the scopes did not finish");
        Assert.Equal(200, done);
    });
}
