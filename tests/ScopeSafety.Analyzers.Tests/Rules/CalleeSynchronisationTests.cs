using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Synchronisation inside the methods the work calls, read in the caller's terms: a reader-writer lock held for reading
/// stays a read lock (it excludes the callee's writers), and <c>ImmutableInterlocked</c> swaps its location atomically as
/// <c>Interlocked</c> does. The value handed to such a call is a plain read. Each safe shape beside its hazard. The class
/// starts at line 7 (after the cache, at line 51).
/// </summary>
public class CalleeSynchronisationTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    private const string Cache = """
        class Cache
        {
            private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
            private readonly Dictionary<int, int> _entries = new Dictionary<int, int>();

            public int Get(int key)
            {
                _lock.EnterReadLock();
                try
                {
                    return _entries.TryGetValue(key, out var value) ? value : 0;
                }
                finally
                {
                    _lock.ExitReadLock();
                }
            }

            public void Set(int key, int value)
            {
                _lock.EnterWriteLock();
                try
                {
                    _entries[key] = value;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }

            public void SetUnderReadLock(int key, int value)
            {
                _lock.EnterReadLock();
                try
                {
                    _entries[key] = value;
                }
                finally
                {
                    _lock.ExitReadLock();
                }
            }
        }

        """;

    [Fact]
    public Task A_reader_and_a_writer_of_a_cache_that_takes_its_reader_writer_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + Cache + """
        class C
        {
            void M(Cache cache)
            {
                Parallel.Invoke(() => cache.Set(1, 1), () => cache.Get(1));
            }
        }
        """);

    [Fact]
    public Task A_writer_under_the_read_lock_races_with_a_reader() => Verify.VerifyAnalyzerAsync(Usings + Cache + """
        class C
        {
            void M(Cache cache)
            {
                Parallel.Invoke(() => {|#0:cache.SetUnderReadLock(1, 1)|}, () => cache.Get(1));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("cache._entries", "Dictionary<int, int>", "work started with Parallel.Invoke at line 55 (in Cache.SetUnderReadLock)", "work started with Parallel.Invoke at line 55 (in Cache.Get)", "read"));

    [Fact]
    public Task Runs_adding_through_ImmutableInterlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Immutable;

        class Registry
        {
            private ImmutableList<string> _names = ImmutableList<string>.Empty;

            public void Add(string name) => ImmutableInterlocked.Update(ref _names, names => names.Add(name));

            public int Count => Volatile.Read(ref _names).Count;
        }

        class C
        {
            void M(Registry registry)
            {
                Parallel.For(0, 10, i => registry.Add(i.ToString()));
            }
        }
        """);

    [Fact]
    public Task Runs_replacing_the_list_with_a_plain_store_race() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Immutable;

        class Registry
        {
            private ImmutableList<string> _names = ImmutableList<string>.Empty;

            public void Add(string name) => _names = _names.Add(name);
        }

        class C
        {
            void M(Registry registry)
            {
                Parallel.For(0, 10, i => {|#0:registry.Add(i.ToString())|});
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("registry._names", "work started with Parallel.For at line 20 (in Registry.Add)", "another run of the same work", "also write"));

    [Fact]
    public Task The_value_handed_to_Interlocked_Exchange_is_a_plain_read() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _current;
            private int _next;

            void M()
            {
                var a = Task.Run(() => Interlocked.Exchange(ref _current, _next));
                var b = Task.Run(() => {|#0:_next|} = 5);
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_next", "work started with Task.Run at line 15", "work started with Task.Run at line 14", "read"));
}
