using LockFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockSharedObjectFixer>;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE011 on an object that is not thread-safe held in an element of an array or a collection (<c>buckets[k]</c>,
/// <c>groups.GetOrAdd(k, …)</c>): two runs share it when the keys they choose it by may be equal. Each hazard beside the
/// twin that must stay silent. The class starts at line 8.
/// </summary>
public class ElementObjectTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.ConcurrentUsings;

    [Fact]
    public Task Runs_adding_to_the_list_in_the_bucket_of_their_index_modulo_four_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<int>[] buckets)
            {
                Parallel.For(0, 1000, i => {|#0:buckets[i % 4]|}.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("buckets[]", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_to_the_list_at_their_own_index_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<int>[] buckets)
            {
                Parallel.For(0, buckets.Length, i => buckets[i].Add(i));
            }
        }
        """);

    [Fact]
    public Task Runs_adding_to_a_list_of_a_list_of_lists_by_a_folded_index_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<List<int>> buckets)
            {
                Parallel.For(0, 1000, i => {|#0:buckets[i / 250]|}.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("buckets[]", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_grouping_into_lists_got_or_added_to_a_concurrent_dictionary_race() => Verify.VerifyAnalyzerAsync(Usings + """
        record Item(string Kind, int Value);

        class C
        {
            void M(Item[] items)
            {
                var byKind = new ConcurrentDictionary<string, List<Item>>();
                Parallel.ForEach(items, item => {|#0:byKind.GetOrAdd(item.Kind, _ => new List<Item>())|}.Add(item));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("byKind[]", "List<Item>", "work started with Parallel.ForEach at line 15", "another run of the same work", "also mutate"));

    [Fact]
    public Task An_update_factory_of_AddOrUpdate_changing_the_list_it_is_given_races_unless_it_copies_or_locks() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(string[] words)
            {
                var byLength = new ConcurrentDictionary<int, List<string>>();
                Parallel.ForEach(words, w => byLength.AddOrUpdate(w.Length, _ => new List<string> { w }, (_, list) => { {|#0:list|}.Add(w); return list; }));

                var byInitial = new ConcurrentDictionary<char, HashSet<string>>();
                Parallel.ForEach(words, w => byInitial.AddOrUpdate(w[0], new HashSet<string> { w }, (_, set) => { {|#1:set|}.Add(w); return set; }));

                var copied = new ConcurrentDictionary<int, List<string>>();
                Parallel.ForEach(words, w => copied.AddOrUpdate(w.Length, _ => new List<string> { w }, (_, list) => new List<string>(list) { w }));

                var locked = new ConcurrentDictionary<int, List<string>>();
                Parallel.ForEach(words, w => locked.AddOrUpdate(w.Length, _ => new List<string> { w }, (_, list) => { lock (list) list.Add(w); return list; }));

                var byWord = new ConcurrentDictionary<string, List<int>>();
                Parallel.ForEach(new HashSet<string>(words), w => byWord.AddOrUpdate(w, _ => new List<int>(), (_, list) => { list.Add(w.Length); return list; }));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("byLength[]", "List<string>", "work started with Parallel.ForEach at line 13", "another run of the same work", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("byInitial[]", "HashSet<string>", "work started with Parallel.ForEach at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task Tasks_started_per_word_adding_to_the_list_of_their_word_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task M(List<string> words)
            {
                var byWord = new ConcurrentDictionary<string, List<int>>();
                var tasks = new List<Task>();
                foreach (var word in words)
                {
                    tasks.Add(Task.Run(() => {|#0:byWord.GetOrAdd(word, _ => new List<int>())|}.Add(word.Length)));
                }

                await Task.WhenAll(tasks);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("byWord[]", "List<int>", "work started with Task.Run at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_to_the_list_of_their_own_object_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class User
        {
            public string Name = "";
        }

        class C
        {
            void M(List<User> users, ConcurrentDictionary<User, List<string>> log)
            {
                Parallel.ForEach(users, user => log.GetOrAdd(user, _ => new List<string>()).Add(user.Name));
            }
        }
        """);

    [Fact]
    public Task Runs_adding_to_the_list_at_an_index_they_were_given_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<List<int>> lists, int[] indices)
            {
                Parallel.ForEach(indices, index => lists[index].Add(index));
            }
        }
        """);

    [Fact]
    public Task Runs_adding_to_the_list_of_their_thread_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, List<int>> perThread)
            {
                Parallel.For(0, 1000, i => perThread.GetOrAdd(Environment.CurrentManagedThreadId, _ => new List<int>()).Add(i));
                Parallel.For(0, 1000, i => perThread.GetOrAdd(Thread.CurrentThread.ManagedThreadId, _ => new List<int>()).Add(i));
            }
        }
        """);

    [Fact]
    public Task Runs_adding_to_a_list_chosen_by_their_thread_id_modulo_four_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<int>[] stripes)
            {
                Parallel.For(0, 1000, i => {|#0:stripes[Environment.CurrentManagedThreadId % 4]|}.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("stripes[]", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_sorting_the_list_under_the_key_of_their_own_pair_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(Dictionary<string, List<int>> groups)
            {
                Parallel.ForEach(groups, pair => groups[pair.Key].Sort());
                Parallel.ForEach(groups.Keys, key => groups[key].Sort());
            }
        }
        """);

    [Fact]
    public Task Runs_sorting_the_list_under_the_value_of_their_pair_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(Dictionary<string, List<int>> groups, Dictionary<int, string> owners)
            {
                Parallel.ForEach(owners, pair => {|#0:groups[pair.Value]|}.Sort());
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("groups[]", "List<int>", "work started with Parallel.ForEach at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_grouping_into_concurrent_bags_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        record Item(string Kind, int Value);

        class C
        {
            void M(Item[] items)
            {
                var byKind = new ConcurrentDictionary<string, ConcurrentBag<Item>>();
                Parallel.ForEach(items, item => byKind.GetOrAdd(item.Kind, _ => new ConcurrentBag<Item>()).Add(item));
            }
        }
        """);

    [Fact]
    public Task Runs_locking_the_list_they_got_from_the_dictionary_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var groups = new ConcurrentDictionary<int, List<int>>();
                Parallel.For(0, 1000, i =>
                {
                    var list = groups.GetOrAdd(i % 10, _ => new List<int>());
                    lock (list)
                    {
                        list.Add(i);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Runs_locking_the_element_they_add_to_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<int>[] buckets)
            {
                Parallel.For(0, 1000, i =>
                {
                    lock (buckets[i % 4])
                    {
                        buckets[i % 4].Add(i);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Runs_that_only_read_the_lists_in_a_dictionary_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(Dictionary<int, List<int>> lists, int[] counts)
            {
                Parallel.For(0, counts.Length, i => counts[i] = lists[i % 2].Count + (lists[i % 2].Contains(3) ? 1 : 0));
            }
        }
        """);

    [Fact]
    public Task Two_tasks_adding_to_the_same_element_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<List<int>> lists)
            {
                var a = Task.Run(() => {|#0:lists[0]|}.Add(1));
                var b = Task.Run(() => lists[0].Add(2));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("lists[]", "List<int>", "work started with Task.Run at line 12", "work started with Task.Run at line 13", "also mutate"));

    [Fact]
    public Task Two_tasks_adding_to_different_elements_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<List<int>> lists)
            {
                var a = Task.Run(() => lists[0].Add(1));
                var b = Task.Run(() => lists[1].Add(2));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task Tasks_started_in_a_loop_each_filling_the_list_of_their_own_copy_of_the_index_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<int>[] perTask)
            {
                var tasks = new Task[perTask.Length];
                for (int t = 0; t < tasks.Length; t++)
                {
                    int id = t;
                    tasks[t] = Task.Run(() =>
                    {
                        for (int k = 0; k < 100; k++)
                        {
                            perTask[id].Add(k);
                        }
                    });
                }

                Task.WaitAll(tasks);
            }
        }
        """);

    [Fact]
    public Task The_method_reading_an_element_while_a_task_fills_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> M(Dictionary<string, List<int>> map)
            {
                var task = Task.Run(() => {|#0:map["a"]|}.Add(1));
                var count = map["a"].Count;
                await task;
                return count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("map[]", "List<int>", "work started with Task.Run at line 12", "the method at line 13", "read"));

    [Fact]
    public Task The_method_reading_an_element_after_the_task_that_fills_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> M(Dictionary<string, List<int>> map)
            {
                await Task.Run(() => map["a"].Add(1));
                return map["a"].Count;
            }
        }
        """);

    [Fact]
    public Task A_string_indexed_by_the_runs_is_no_collection_of_objects() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(string text, char[] result)
            {
                Parallel.For(0, result.Length, i => result[i] = text[i % text.Length]);
            }
        }
        """);

    [Fact]
    public Task An_element_gets_no_lock_fix() => LockFix.VerifyNoCodeFixAsync(Usings + """
        class C
        {
            void M()
            {
                var groups = new ConcurrentDictionary<int, List<int>>();
                Parallel.For(0, 1000, i => {|SCOPE011:groups.GetOrAdd(i % 10, _ => new List<int>())|}.Add(i));
                var buckets = new List<int>[4];
                Parallel.For(0, 1000, i => {|SCOPE011:buckets[i % 4]|}.Add(i));
            }
        }
        """);

    [Fact]
    public Task Runs_adding_to_the_list_a_local_took_from_the_dictionary_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, List<int>> groups)
            {
                Parallel.For(0, 1000, i =>
                {
                    var list = groups.GetOrAdd(i % 10, _ => new List<int>());
                    {|#0:list|}.Add(i);
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("groups[]", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_to_the_list_TryGetValue_gave_them_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, List<int>> groups)
            {
                Parallel.For(0, 1000, i =>
                {
                    if (groups.TryGetValue(i % 10, out var list))
                    {
                        {|#0:list|}.Add(i);
                    }
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("groups[]", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_to_the_list_TryGetValue_gave_them_under_their_own_key_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, List<int>> groups)
            {
                Parallel.For(0, 10, i =>
                {
                    if (groups.TryGetValue(i, out var list))
                    {
                        list.Add(i);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task Runs_adding_to_a_fresh_list_in_a_local_that_first_held_an_element_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(ConcurrentDictionary<int, List<int>> groups)
            {
                Parallel.For(0, 1000, i =>
                {
                    var list = groups.GetOrAdd(i % 10, _ => new List<int>());
                    list = new List<int>();
                    list.Add(i);
                });
            }
        }
        """);

    [Fact]
    public Task A_captured_local_taken_from_a_list_of_lists_is_reported_once_as_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(List<List<int>> lists)
            {
                var list = lists[0];
                Parallel.For(0, 1000, i => {|#0:list|}.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with Parallel.For at line 13", "another run of the same work", "also mutate"));
}
