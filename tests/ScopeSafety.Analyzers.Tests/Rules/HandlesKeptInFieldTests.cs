using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Threads made in one loop and started in a later one (<c>threads[i].Start()</c>) start there, so what the method sets
/// between the loops comes first (Ryujinx's shader cache loader). Threads kept in a field of this object, as an array
/// (<c>_threads = threads</c>, <c>Interlocked.Exchange(ref _threads, threads)</c>) or one by one, are the ones the code
/// joins where it reads that field back, also behind a null test of what it read (<c>var t = Interlocked.Exchange(ref
/// _threads, null); if (t != null) foreach (…) t.Join();</c>, Ryujinx's translator): what follows the join does not
/// run beside them, in the same method or in another member. Each twin that sets or disposes before the join is reported.
/// </summary>
public class HandlesKeptInFieldTests
{
    private const string Table = """
        class Table
        {
            private bool _disposed;
            public int Get() => _disposed ? 0 : 1;
            public void Dispose() { _disposed = true; }
        }

        """;

    private static string Loader(string beforeStart, string afterStart) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Loader
        {
            private int _total;

            public void Load(int count)
            {
                var threads = new Thread[2];
                for (int i = 0; i < threads.Length; i++)
                {
                    threads[i] = new Thread({|#0:Work|});
                }
                {{beforeStart}}
                for (int i = 0; i < threads.Length; i++)
                {
                    threads[i].Start();
                }
                {{afterStart}}
                for (int i = 0; i < threads.Length; i++)
                {
                    threads[i].Join();
                }
            }

            private void Work() => Console.WriteLine(_total);
        }
        """;

    [Fact]
    public Task A_field_set_before_the_loop_that_starts_the_threads_comes_first() =>
        Verify.VerifyAnalyzerAsync(Loader("_total = count;", ""));

    [Fact]
    public Task A_field_set_after_the_loop_that_starts_the_threads_races() =>
        Verify.VerifyAnalyzerAsync(Loader("", "_total = count;"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_total", "the method at line 23", "work started with new Thread at line 16 (in Loader.Work)", "read"));

    private static string StartStop(string keep, string stop) => ConcurrentAccessAnalyzerTests.Usings + Table + $$"""
        class Worker
        {
            private readonly Table _table = new Table();
            private volatile bool _run = true;
            private Thread[] _threads;

            public void Start()
            {
                var threads = new Thread[2];
                for (int i = 0; i < 2; i++)
                {
                    threads[i] = new Thread({|#0:Background|});
                    threads[i].Start();
                }
                {{keep}}
            }

            public void Stop()
            {
                _run = false;
                {{stop}}
            }

            private void Background()
            {
                while (_run)
                {
                    _table.Get();
                }
            }
        }
        """;

    private const string JoinThenDispose = """
        var threads = Interlocked.Exchange(ref _threads, null);
                if (threads != null)
                {
                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }
                }
                _table.Dispose();
        """;

    [Fact]
    public Task Threads_kept_in_a_field_and_joined_in_Stop_behind_a_null_test_are_done_before_the_dispose() =>
        Verify.VerifyAnalyzerAsync(StartStop("_threads = threads;", JoinThenDispose));

    [Fact]
    public Task Threads_swapped_into_a_field_and_joined_in_Stop_are_done_before_the_dispose() =>
        Verify.VerifyAnalyzerAsync(StartStop("Interlocked.Exchange(ref _threads, threads);", JoinThenDispose));

    [Fact]
    public Task A_Stop_that_disposes_without_joining_races_with_the_threads() =>
        Verify.VerifyAnalyzerAsync(StartStop("_threads = threads;", "_table.Dispose();"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_table._disposed", "Worker.Stop at line 33 (in Table.Dispose)", "work started with new Thread at line 24 (in Worker.Background)", "read"));

    private static string FirstAndLast(string keep, string take, string join) => ConcurrentAccessAnalyzerTests.Usings + Table + $$"""
        class Translator
        {
            private readonly Table _table = new Table();
            private volatile bool _run = true;
            private int _count;
            private Thread _thread;

            public void Execute()
            {
                if (Interlocked.Increment(ref _count) == 1)
                {
                    var thread = new Thread({|#0:Background|});
                    thread.Start();
                    {{keep}}
                }

                if (Interlocked.Decrement(ref _count) == 0)
                {
                    _run = false;
                    var last = {{take}};
                    {{join}}
                    _table.Dispose();
                }
            }

            private void Background()
            {
                while (_run)
                {
                    _table.Get();
                }
            }
        }
        """;

    [Fact]
    public Task The_last_caller_joins_the_thread_the_first_kept_before_disposing() =>
        Verify.VerifyAnalyzerAsync(FirstAndLast("_thread = thread;", "_thread", "if (last != null) { last.Join(); }"));

    [Fact]
    public Task The_last_caller_joins_the_thread_it_swaps_out_before_disposing() =>
        Verify.VerifyAnalyzerAsync(FirstAndLast("Volatile.Write(ref _thread, thread);", "Interlocked.Exchange(ref _thread, null)", "last?.Join(); if (last is not null) { last.Join(); }"));

    [Fact]
    public Task A_last_caller_that_disposes_before_the_join_races_with_the_thread() =>
        Verify.VerifyAnalyzerAsync(FirstAndLast("_thread = thread;", "_thread", "_table.Dispose(); if (last != null) { last.Join(); }"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_table._disposed", "the method at line 33 (in Table.Dispose)", "work started with new Thread at line 24 (in Translator.Background)", "read"));
}
