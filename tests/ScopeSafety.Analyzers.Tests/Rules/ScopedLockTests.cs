using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Locks held for a <c>using</c> scope (<c>System.Threading.Lock.EnterScope()</c>, the async-lock idiom
/// <c>using (await _mutex.LockAsync())</c>, an async reader-writer lock's reader and writer locks), <c>Lock.Enter/Exit</c>
/// pairs, and a one-slot semaphore created in the constructor. Each hazard beside the twin that must stay silent. The
/// class starts at line 7.
/// </summary>
public class ScopedLockTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // A lock in the style of Nito.AsyncEx's AsyncLock and AsyncReaderWriterLock: what they return is disposed to release.
    private const string AsyncLocks = """
        sealed class AsyncLock
        {
            private readonly SemaphoreSlim _s = new SemaphoreSlim(1, 1);

            public async Task<IDisposable> LockAsync() { await _s.WaitAsync(); return new Releaser(_s); }

            private sealed class Releaser(SemaphoreSlim s) : IDisposable { public void Dispose() => s.Release(); }
        }

        sealed class AsyncReaderWriterLock
        {
            public Task<IDisposable> ReaderLockAsync() => throw new NotImplementedException();

            public Task<IDisposable> WriterLockAsync() => throw new NotImplementedException();
        }

        """;

    [Fact]
    public Task A_list_under_Lock_EnterScope_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Bag
        {
            private readonly Lock _gate = new();
            private readonly List<int> _items = new();

            public void Fill() => Parallel.For(0, 100, Add);

            private void Add(int x)
            {
                using (_gate.EnterScope())
                {
                    _items.Add(x);
                }

                using var scope = _gate.EnterScope();
                _items.Add(-x);
            }
        }
        """);

    [Fact]
    public Task A_list_used_after_the_EnterScope_block_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Bag
        {
            private readonly Lock _gate = new();
            private readonly List<int> _items = new();

            public void Fill() => Parallel.For(0, 100, x =>
            {
                using (_gate.EnterScope())
                {
                    {|#0:_items|}.Add(x);
                }

                _items.Add(-x);
            });
        }
        """,
        // Reported at the locked use, as beside a lock statement: the other run's unlocked Add meets it.
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "read"));

    [Fact]
    public Task A_list_between_Lock_Enter_and_Exit_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Bag
        {
            private readonly Lock _gate = new();
            private readonly List<int> _items = new();

            public void Fill() => Parallel.For(0, 100, x =>
            {
                _gate.Enter();
                try
                {
                    _items.Add(x);
                }
                finally
                {
                    _gate.Exit();
                }
            });
        }
        """);

    // A Store whose AddAsync adds to its list under LOCK, a field of type LOCKTYPE taken by TAKE; the runs of AddAsync
    // are the Select's (AddAsync, marked #0, is at line 27).
    private static string AsyncStore(string lockType, string take) => Usings + AsyncLocks + """
        class Store
        {
            private readonly LOCKTYPE _lock = new();
            private readonly List<string> _items = new();

            public Task AddAll(string[] names) => Task.WhenAll(names.Select({|#0:AddAsync|}));

            private async Task AddAsync(string name)
            {
                await Task.Delay(1);
                using (await _lock.TAKE)
                {
                    _items.Add(name);
                }
            }
        }
        """.Replace("LOCKTYPE", lockType).Replace("TAKE", take);

    [Theory]
    [InlineData("AsyncLock", "LockAsync()")]
    [InlineData("AsyncReaderWriterLock", "WriterLockAsync().ConfigureAwait(false)")]
    public Task A_list_under_an_async_lock_or_writer_lock_is_silent(string lockType, string take) =>
        Verify.VerifyAnalyzerAsync(AsyncStore(lockType, take));

    [Fact]
    public Task A_list_added_to_under_an_async_reader_lock_races() => Verify.VerifyAnalyzerAsync(AsyncStore("AsyncReaderWriterLock", "ReaderLockAsync()"),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<string>", "work started with Select(async …) at line 27 (in Store.AddAsync)", "another run of the same work", "also mutate"));

    // A Store whose constructor makes its semaphore with ARGUMENTS; AddAsync (#0, line 14) adds under it.
    private static string StoreWithSemaphore(string arguments) => Usings + """
        class Store
        {
            private readonly SemaphoreSlim _gate;
            private readonly List<string> _items = new();

            public Store() { _gate = new SemaphoreSlim(ARGUMENTS); }

            public Task AddAll(string[] names) => Task.WhenAll(names.Select({|#0:AddAsync|}));

            private async Task AddAsync(string name)
            {
                await Task.Delay(1);
                await _gate.WaitAsync();
                try
                {
                    _items.Add(name);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """.Replace("ARGUMENTS", arguments);

    [Fact]
    public Task A_one_slot_semaphore_made_in_the_constructor_is_a_lock() => Verify.VerifyAnalyzerAsync(StoreWithSemaphore("1, 1"));

    [Fact]
    public Task A_three_slot_semaphore_made_in_the_constructor_lets_three_in() => Verify.VerifyAnalyzerAsync(StoreWithSemaphore("3"),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<string>", "work started with Select(async …) at line 14 (in Store.AddAsync)", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_one_slot_semaphore_waited_with_a_token_is_a_lock() => Verify.VerifyAnalyzerAsync(Usings + """
        class Store
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly List<string> _items = new();

            public void Fill(CancellationToken token) => Parallel.For(0, 100, i =>
            {
                _gate.Wait(token);
                try
                {
                    _items.Add(i.ToString());
                }
                finally
                {
                    _gate.Release();
                }
            });
        }
        """);
}
