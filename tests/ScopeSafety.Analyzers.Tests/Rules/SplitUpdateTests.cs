using InterlockedFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.InterlockedFixer>;
using LockFieldFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockFieldFixer>;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using VolatileFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.VolatileFlagFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 on an update of a <c>ConcurrentDictionary</c> entry split into a read and a write (<c>counts[k] = counts[k] +
/// 1</c>): each call is atomic, but a write another run makes between the two is lost. Single calls (<c>AddOrUpdate</c>,
/// <c>TryUpdate</c>), writes that do not depend on the value read (a cache fill), and reads are not reported. Each hazard
/// beside the twin that must stay silent. The class starts at line 8.
/// </summary>
public class SplitUpdateTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.ConcurrentUsings;

    [Fact]
    public Task Runs_incrementing_the_entry_of_their_index_modulo_ten_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, int> counts)
            {
                Parallel.For(0, 1000, i => {|#0:counts[i % 10]|} = counts[i % 10] + 1);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counts[]", "work started with Parallel.For at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task A_split_update_beside_a_plain_store_is_reported_at_the_update() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly ConcurrentDictionary<int, int> Counts = new ConcurrentDictionary<int, int>();

            void M()
            {
                Parallel.For(0, 1000, i =>
                {
                    if (!Counts.ContainsKey(i % 3))
                    {
                        Counts[i % 3] = 0;
                    }

                    {|#0:Counts[i % 3]|} = Counts[i % 3] + 1;
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.Counts[]", "work started with Parallel.For at line 14", "another run of the same work", "also write"));

    [Fact]
    public Task Runs_adding_with_a_compound_assignment_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, long> totals)
            {
                Parallel.For(0, 1000, i => {|#0:totals[i % 10]|} += i);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("totals[]", "work started with Parallel.For at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task Runs_writing_back_what_TryGetValue_gave_them_plus_one_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<string, int> counts)
            {
                Parallel.For(0, 1000, i =>
                {
                    var key = i % 2 == 0 ? "even" : "odd";
                    counts.TryGetValue(key, out var n);
                    {|#0:counts[key]|} = n + 1;
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counts[]", "work started with Parallel.For at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task Runs_counting_the_words_of_a_list_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(string text, ConcurrentDictionary<string, int> counts)
            {
                var words = text.Split(' ');
                Parallel.ForEach(words, word =>
                {
                    counts.TryGetValue(word, out var n);
                    {|#0:counts[word]|} = n + 1;
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counts[]", "work started with Parallel.ForEach at line 13", "another run of the same work", "also write"));

    [Fact]
    public Task Runs_counting_distinct_words_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(string text, ConcurrentDictionary<string, int> counts)
            {
                var words = text.Split(' ').Distinct();
                Parallel.ForEach(words, word =>
                {
                    counts.TryGetValue(word, out var n);
                    counts[word] = n + 1;
                });
            }
        }
        """);

    [Fact]
    public Task Runs_doubling_the_entries_of_the_dictionarys_own_keys_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<string, int> counts)
            {
                Parallel.ForEach(counts.Keys.ToList(), key => counts[key] = counts[key] * 2);
            }
        }
        """);

    [Fact]
    public Task Runs_counting_the_words_of_a_set_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(HashSet<string> words, ConcurrentDictionary<string, int> counts)
            {
                Parallel.ForEach(words, word => counts[word] = counts[word] + word.Length);
            }
        }
        """);

    [Fact]
    public Task Runs_counting_with_AddOrUpdate_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<string, int> counts)
            {
                Parallel.For(0, 1000, i => counts.AddOrUpdate(i % 2 == 0 ? "even" : "odd", 1, (_, n) => n + 1));
            }
        }
        """);

    [Fact]
    public Task Runs_updating_in_a_TryUpdate_loop_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, int> counts)
            {
                Parallel.For(0, 1000, i =>
                {
                    while (true)
                    {
                        var old = counts[i % 10];
                        if (counts.TryUpdate(i % 10, old + 1, old))
                        {
                            break;
                        }
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Runs_filling_a_cache_with_a_value_of_the_key_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Compute(int key) => key * key;

            void M(ConcurrentDictionary<int, int> cache)
            {
                Parallel.For(0, 1000, i =>
                {
                    if (!cache.TryGetValue(i % 10, out var value))
                    {
                        value = Compute(i % 10);
                        cache[i % 10] = value;
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Runs_updating_under_one_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly object _gate = new object();

            void M(ConcurrentDictionary<int, int> counts)
            {
                Parallel.For(0, 1000, i =>
                {
                    lock (_gate)
                    {
                        counts[i % 10] = counts[i % 10] + 1;
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Runs_updating_the_entry_of_their_own_index_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, int> counts)
            {
                Parallel.For(0, 10, i => counts[i] = counts[i] + 1);
            }
        }
        """);

    [Fact]
    public Task A_TryAdd_beside_a_split_update_of_the_same_entry_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<string, int> counts)
            {
                var a = Task.Run(() => {|#0:counts.TryAdd("x", 5)|});
                var b = Task.Run(() =>
                {
                    counts.TryGetValue("x", out var n);
                    counts["x"] = n + 1;
                });
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counts[]", "work started with Task.Run at line 12", "work started with Task.Run at line 13", "also write"));

    [Fact]
    public Task A_TryAdd_beside_an_AddOrUpdate_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<string, int> counts)
            {
                var a = Task.Run(() => counts.TryAdd("x", 5));
                var b = Task.Run(() => counts.AddOrUpdate("x", 1, (_, n) => n + 1));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task The_method_reading_an_entry_while_a_task_updates_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> M(ConcurrentDictionary<string, int> counts)
            {
                var task = Task.Run(() => counts["n"] = counts["n"] + 1);
                var seen = counts["n"];
                await task;
                return seen;
            }
        }
        """);

    [Fact]
    public Task The_method_resetting_an_entry_while_a_task_updates_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task M(ConcurrentDictionary<string, int> counts)
            {
                var task = Task.Run(() => {|#0:counts["n"]|} = counts["n"] + 1);
                counts["n"] = 0;
                await task;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counts[]", "work started with Task.Run at line 12", "the method at line 13", "also write"));

    [Fact]
    public Task Runs_calling_a_method_that_updates_the_entry_of_one_key_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private readonly ConcurrentDictionary<string, int> _hits = new ConcurrentDictionary<string, int>();

            public void Hit(string key) => _hits[key] = _hits.TryGetValue(key, out var n) ? n + 1 : 1;
        }

        class C
        {
            void M(Counter counter)
            {
                Parallel.For(0, 1000, i => {|#0:counter.Hit("home")|});
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter._hits[]", "work started with Parallel.For at line 19 (in Counter.Hit)", "another run of the same work", "also write"));

    [Fact]
    public Task Two_calls_of_a_split_update_in_a_type_declared_thread_safe_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Stats
        {
            private readonly ConcurrentDictionary<string, int> _hits = new ConcurrentDictionary<string, int>();

            public void Hit()
            {
                _hits.TryGetValue("total", out var n);
                {|#0:_hits["total"]|} = n + 1;
            }

            public void Seen(string key) => _hits.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_hits[]", "Stats.Hit at line 16", "another call of Stats.Hit at the same time (Stats is declared thread-safe)", "also write"));

    private const string FieldUpdate = Usings + """
        class C
        {
            private readonly ConcurrentDictionary<int, int> _counts = new ConcurrentDictionary<int, int>();

            void M()
            {
                Parallel.For(0, 1000, i => {|SCOPE010:_counts[i % 10]|} = _counts[i % 10] + 1);
            }
        }
        """;

    [Fact]
    public Task A_split_update_gets_no_Interlocked_fix() => InterlockedFix.VerifyNoCodeFixAsync(FieldUpdate);

    [Fact]
    public Task A_split_update_gets_no_lock_field_fix() => LockFieldFix.VerifyNoCodeFixAsync(FieldUpdate);

    [Fact]
    public Task A_split_update_gets_no_volatile_fix() => VolatileFix.VerifyNoCodeFixAsync(FieldUpdate);
}
