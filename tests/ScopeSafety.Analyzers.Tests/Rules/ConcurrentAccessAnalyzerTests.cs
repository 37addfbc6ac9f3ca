using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010–SCOPE012 on every shape of issue 8's measurements: each hazard beside its safe twin. Line numbers in the
/// messages count from the top of <see cref="Program"/>'s text (the method body starts at line 11).
/// </summary>
public class ConcurrentAccessAnalyzerTests
{
    // ---- SCOPE010: two spawns, both sides of a join, the scope body ---------------------------------------

    [Fact]
    public Task Two_spawns_incrementing_one_counter_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) {|#0:counter|}++; });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) {|#1:counter|}++; });
                });
                Console.WriteLine(counter);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 14", "work started with Scope.Spawn at line 15", "also write"));

    [Fact]
    public Task Two_spawns_incrementing_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                });
                Console.WriteLine(counter);
        """));

    // A local function run by method group: every access is reported at the method group, but whether it is atomic
    // is read at the reference inside the function (StackExchange.Redis LockingTests: Interlocked in a local function
    // queued twice to the ThreadPool was reported).
    [Fact]
    public Task Two_spawns_of_a_local_function_incrementing_one_counter_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                void Work()
                {
                    for (var i = 0; i < 1000; i++) counter++;
                }
                Scope.Run(scope =>
                {
                    scope.Spawn({|#0:Work|});
                    scope.Spawn({|#1:Work|});
                });
                Console.WriteLine(counter);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 18", "work started with Scope.Spawn at line 19", "also write"));

    [Fact]
    public Task Two_spawns_of_a_local_function_incrementing_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                void Work()
                {
                    for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter);
                }
                Scope.Run(scope =>
                {
                    scope.Spawn(Work);
                    scope.Spawn(Work);
                });
                Console.WriteLine(Interlocked.Read(ref counter));
        """));

    [Fact]
    public Task Two_spawns_of_a_local_function_locking_one_object_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                var gate = new object();
                void Work()
                {
                    for (var i = 0; i < 1000; i++) { lock (gate) { counter++; } }
                }
                Scope.Run(scope =>
                {
                    scope.Spawn(Work);
                    scope.Spawn(Work);
                });
                Console.WriteLine(counter);
        """));

    [Fact]
    public Task Two_spawns_returning_their_counts_through_Join_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = Scope.Run(scope =>
                {
                    var a = scope.Spawn(() => { long c = 0; for (var i = 0; i < 1000; i++) c++; return c; });
                    var b = scope.Spawn(() => { long c = 0; for (var i = 0; i < 1000; i++) c++; return c; });
                    return a.Join() + b.Join();
                });
                Console.WriteLine(counter);
        """));

    [Fact]
    public Task Spawns_locking_a_common_object_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { lock (gate) { counter++; } });
                    scope.Spawn(() => { lock (gate) counter++; });
                });
        """));

    [Fact]
    public Task Spawns_locking_different_objects_race() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                var other = new object();
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { lock (gate) { {|#0:counter|}++; } });
                    scope.Spawn(() => { lock (other) { counter++; } });
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task Spawns_that_only_read_a_variable_written_before_them_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var limit = items.Length;
                limit *= 2;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => Console.WriteLine(limit));
                    scope.Spawn(() => Console.WriteLine(limit + 1));
                });
                limit = 0;
        """));

    [Fact]
    public Task A_spawn_joined_before_the_next_spawn_does_not_race_with_it() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                Scope.Run(scope =>
                {
                    var first = scope.Spawn(() => counter++);
                    first.Join();
                    scope.Spawn(() => counter++);
                });
        """));

    [Fact]
    public Task The_scope_body_reading_before_the_join_races_with_the_item() => Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => { foreach (var x in items) {|#0:total|} += x; });
                    Console.WriteLine({|#1:total|});
                    t.Join();
                    Console.WriteLine(total);
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Scope.Spawn at line 14", "the scope body at line 15", "read"));

    [Fact]
    public Task The_scope_body_reading_after_the_join_or_after_the_scope_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => { foreach (var x in items) total += x; });
                    t.Join();
                    Console.WriteLine(total);
                });
                Console.WriteLine(total);
        """));

    [Fact]
    public Task The_scope_body_writing_while_an_item_reads_races() => Verify.VerifyAnalyzerAsync(Program("""
                var limit = 10;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => Console.WriteLine({|#0:limit|}));
                    limit = 20;
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("limit", "the scope body at line 15", "work started with Scope.Spawn at line 14", "read"));

    [Fact]
    public Task Both_sides_of_Scope_Join_writing_one_variable_race() => Verify.VerifyAnalyzerAsync(Program("""
                var sum = 0;
                Scope.Join(() => { foreach (var x in items) {|#0:sum|} += x; }, () => { foreach (var x in items) sum -= x; });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task Both_sides_of_Scope_Join_returning_their_parts_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var (left, right) = Scope.Join(() => items.Take(5).Sum(), () => items.Skip(5).Sum());
                Console.WriteLine(left + right);
        """));

    [Fact]
    public Task Parallel_Invoke_actions_writing_one_variable_race() => Verify.VerifyAnalyzerAsync(Program("""
                var found = false;
                Parallel.Invoke(() => { {|#0:found|} = items.Contains(1); }, () => { found = items.Contains(2); });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // A user API marked structured promises what Parallel.Invoke does: the delegates of one call may run at the same
    // time and all end before the call returns.
    private const string Batch = """
        static class Batch
        {
            public static void RunAll([StructuredWork] params Action[] work) { foreach (var w in work) w(); }

            public static void RunAllListed(params Action[] work) { foreach (var w in work) w(); }
        }

        """;

    [Fact]
    public Task Actions_of_one_StructuredWork_call_writing_one_variable_race() => Verify.VerifyAnalyzerAsync(Program("""
                var found = false;
                Batch.RunAll(() => { {|#0:found|} = items.Contains(1); }, () => { found = items.Contains(2); });
        """) + Batch,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("found", "work started with Batch.RunAll at line 12", "work started with Batch.RunAll at line 12", "also write"));

    [Fact]
    public Task Actions_of_two_StructuredWork_calls_in_turn_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var found = false;
                Batch.RunAll(() => { found = items.Contains(1); });
                Batch.RunAll(() => { found = items.Contains(2); });
                Console.WriteLine(found);
        """) + Batch);

    [Fact]
    public Task Actions_of_one_call_of_a_method_listed_in_structured_methods_race() => new Verify.Test
    {
        TestCode = Program("""
                var found = false;
                Batch.RunAllListed(() => { {|#0:found|} = items.Contains(1); }, () => { found = items.Contains(2); });
        """) + Batch,
        EditorConfig = "root = true\n[*.cs]\nscopesafety.structured_methods = M:Batch.RunAllListed(System.Action[])\n",
        ExpectedDiagnostics = { Verify.Diagnostic("SCOPE010").WithLocation(0) },
    }.RunAsync();

    [Fact]
    public Task Parallel_ForEach_summing_into_a_captured_local_races_with_its_other_iterations() => Verify.VerifyAnalyzerAsync(Program("""
                long sum = 0;
                Parallel.ForEach(items, x => {|#0:sum|} += x);
                Console.WriteLine(sum);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("sum", "work started with Parallel.ForEach at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task Parallel_For_with_localInit_and_an_Interlocked_localFinally_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                long sum = 0;
                Parallel.For(0, items.Length, () => 0L, (i, state, partial) => partial + items[i], partial => Interlocked.Add(ref sum, partial));
                Console.WriteLine(sum);
        """));

    [Fact]
    public Task Parallel_For_with_a_plain_localFinally_races() => Verify.VerifyAnalyzerAsync(Program("""
                long sum = 0;
                Parallel.For(0, items.Length, () => 0L, (i, state, partial) => partial + items[i], partial => {|#0:sum|} += partial);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task Parallel_For_writing_its_own_array_element_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var squares = new int[items.Length];
                Parallel.For(0, items.Length, i => squares[i] = items[i] * items[i]);
                Scope.Run(scope =>
                {
                    for (var i = 0; i < items.Length; i++)
                    {
                        var k = i;
                        scope.Spawn(() => squares[k] += 1);
                    }
                });
        """));

    [Fact]
    public Task Parallel_ForEachAsync_adding_to_a_total_races() => Verify.VerifyAnalyzerAsync(Program("""
                Task.Run(async () =>
                {
                    var total = 0;
                    await Parallel.ForEachAsync(items, async (x, ct) => { await Task.Yield(); {|#0:total|} += x; });
                    Console.WriteLine(total);
                }).Wait();
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Parallel.ForEachAsync at line 14", "another run of the same work", "also write"));

    [Fact]
    public Task A_PLINQ_selector_counting_into_a_local_races() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = 0;
                var doubled = items.AsParallel().Select(x => { {|#0:seen|}++; return x * 2; }).ToList();
                var sum = items.AsParallel().Aggregate(0, (acc, x) => acc + x);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task Spawns_in_a_loop_writing_a_variable_declared_outside_race_but_not_one_declared_inside() => Verify.VerifyAnalyzerAsync(Program("""
                var hits = 0;
                Scope.Run(scope =>
                {
                    foreach (var x in items)
                    {
                        var local = 0;
                        scope.Spawn(() => { local = x; {|#0:hits|}++; });
                    }
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("hits", "work started with Scope.Spawn at line 17", "another run of the same work", "also write"));

    [Fact]
    public Task Spawns_made_in_a_Select_lambda_race_with_each_other() => Verify.VerifyAnalyzerAsync(Program("""
                var total = 0;
                var seen = new HashSet<int>();
                Scope.Run(scope =>
                {
                    var parts = items.Select(x => scope.Spawn(() => { {|#0:total|} += x; {|#1:seen|}.Add(x); })).ToList();
                    foreach (var part in parts) part.Join();
                });
                var tasks = items.Select(x => Task.Run(() => {|#2:seen|}.Remove(x))).ToArray();
                Task.WaitAll(tasks);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Scope.Spawn at line 15", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE011").WithLocation(1),
        Verify.Diagnostic("SCOPE011").WithLocation(2));

    [Fact]
    public Task A_spawn_in_a_lambda_using_only_its_own_locals_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var totals = items.Select(x =>
                {
                    var local = 0;
                    var seen = new List<int>();
                    Scope.Run(scope => scope.Spawn(() => { local += x; seen.Add(x); }));
                    return local + seen.Count;
                }).ToList();
        """));

    // A join in the same loop body as its spawn finishes that round's item where it stands.
    [Fact]
    public Task A_spawn_joined_in_the_same_loop_round_does_not_overlap_itself() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                Scope.Run(scope =>
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var item = scope.Spawn(() => count++);
                        item.Join();
                    }
                });
        """));

    [Fact]
    public Task A_spawn_joined_only_after_its_loop_overlaps_itself() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                Scope.Run(scope =>
                {
                    var items = new List<ScopedTask>();
                    for (var i = 0; i < 3; i++)
                    {
                        items.Add(scope.Spawn(() => {|#0:count|}++));
                    }

                    foreach (var item in items)
                    {
                        item.Join();
                    }
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with Scope.Spawn at line 17", "another run of the same work", "also write"));

    // ---- SCOPE010: pairs of unscoped items ----------------------------------------------------------------

    [Fact]
    public Task Two_Task_Run_lambdas_incrementing_one_count_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var a = Task.Run(() => {|#0:count|}++);
                var b = Task.Run(() => count++);
                Task.WaitAll(a, b);
                Console.WriteLine(count);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with Task.Run at line 12", "work started with Task.Run at line 13", "also write"));

    [Fact]
    public Task A_Task_Run_awaited_before_the_next_one_starts_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                Task.Run(() => count++).Wait();
                Task.Run(() => count++).Wait();
        """));

    [Fact]
    public Task A_continuation_runs_after_its_task_and_does_not_race_with_it() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var first = Task.Run(() => count++);
                first.ContinueWith(_ => count++).ContinueWith(_ => count++).Wait();
                var other = 0;
                Task.Run(() => other = 1).ContinueWith(_ => Console.WriteLine(other)).Wait();
        """));

    [Fact]
    public Task Two_joined_threads_incrementing_one_count_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var t1 = new Thread(() => { for (var i = 0; i < 1000; i++) {|#0:count|}++; });
                var t2 = new Thread(() => { for (var i = 0; i < 1000; i++) count++; });
                t1.Start();
                t2.Start();
                t1.Join();
                t2.Join();
                Console.WriteLine(count);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with new Thread at line 12", "work started with new Thread at line 13", "also write"));

    [Fact]
    public Task Threads_run_one_after_the_other_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var t1 = new Thread(() => count++);
                var t2 = new Thread(() => count++);
                t1.Start();
                t1.Join();
                t2.Start();
                t2.Join();
        """));

    // One lifetime model for SCOPE002 and SCOPE010: a new Task runs from its Start call, and one only run synchronously
    // never runs beside anything.
    [Fact]
    public Task A_new_Task_started_after_the_other_item_is_joined_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var first = new Task(() => count++);
                var second = Task.Run(() => count++);
                second.Wait();
                first.Start();
                first.Wait();
        """));

    [Fact]
    public Task A_new_Task_started_before_the_other_item_is_joined_races() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var first = new Task(() => {|#0:count|}++);
                var second = Task.Run(() => count++);
                first.Start();
                Task.WaitAll(first, second);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with new Task at line 12", "work started with Task.Run at line 13", "also write"));

    [Fact]
    public Task A_new_Task_only_run_synchronously_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var inline = new Task(() => count++);
                inline.RunSynchronously();
                var other = Task.Run(() => count++);
                other.Wait();
        """));

    [Fact]
    public Task A_System_Timers_Timer_tick_overlaps_itself() => Verify.VerifyAnalyzerAsync(Program("""
                var ticks = 0;
                var timer = new System.Timers.Timer(10);
                timer.Elapsed += (s, e) => {|#0:ticks|}++;
                timer.Start();
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("ticks", "work started with System.Timers.Timer.Elapsed at line 13", "another run of the same work", "also write"));

    [Fact]
    public Task A_one_shot_or_Interlocked_System_Timers_Timer_tick_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var ticks = 0;
                var once = new System.Timers.Timer(10) { AutoReset = false };
                once.Elapsed += (s, e) => ticks++;
                var periodic = new System.Timers.Timer(10);
                var count = 0;
                periodic.Elapsed += (s, e) => Interlocked.Increment(ref count);
        """));

    [Fact]
    public Task Unscoped_work_against_the_method_is_left_to_SCOPE002() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                Task.Run(() => count++);
                Console.WriteLine(count);
                var total = 0;
                for (var i = 0; i < 3; i++)
                {
                    ThreadPool.QueueUserWorkItem(_ => total++);
                }
        """));

    // ---- SCOPE011: non-thread-safe objects ----------------------------------------------------------------

    [Fact]
    public Task List_Add_from_four_spawns_races() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>();
                Scope.Run(scope =>
                {
                    for (var w = 0; w < 4; w++)
                    {
                        scope.Spawn(() => { for (var i = 0; i < 10000; i++) {|#0:results|}.Add(i); });
                    }
                });
                Console.WriteLine(results.Count);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Scope.Spawn at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_concurrent_collection_or_a_locked_list_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var bag = new System.Collections.Concurrent.ConcurrentBag<int>();
                var list = new List<int>();
                Scope.Run(scope =>
                {
                    for (var w = 0; w < 4; w++)
                    {
                        scope.Spawn(() => { for (var i = 0; i < 10000; i++) { bag.Add(i); lock (list) list.Add(i); } });
                    }
                });
                Console.WriteLine(bag.Count + list.Count);
        """));

    [Fact]
    public Task Parallel_For_adding_to_a_list_races() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>();
                Parallel.For(0, items.Length, i => {|#0:results|}.Add(items[i] * 2));
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Parallel_For_setting_its_own_list_element_or_only_reading_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>(new int[items.Length]);
                var lookup = new Dictionary<int, int> { [1] = 2 };
                Parallel.For(0, items.Length, i => results[i] = lookup.TryGetValue(i, out var v) ? v : lookup.Count);
        """));

    [Fact]
    public Task PLINQ_ForAll_with_a_list_Add_method_group_races() => Verify.VerifyAnalyzerAsync(Program("""
                var list = new List<int>();
                items.AsParallel().ForAll({|#0:list.Add|});
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task Dictionary_writes_from_ten_Task_Runs_race() => Verify.VerifyAnalyzerAsync(Program("""
                var map = new Dictionary<int, int>();
                var tasks = new List<Task>();
                for (var i = 0; i < 10; i++)
                {
                    var k = i;
                    tasks.Add(Task.Run(() => {|#0:map|}[k] = k * k));
                }

                Task.WaitAll(tasks.ToArray());
                Console.WriteLine(map.Count);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("map", "Dictionary<int, int>", "work started with Task.Run at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task ConcurrentDictionary_writes_from_ten_Task_Runs_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var map = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
                var tasks = new List<Task>();
                for (var i = 0; i < 10; i++)
                {
                    var k = i;
                    tasks.Add(Task.Run(() => map[k] = k * k));
                }

                Task.WaitAll(tasks.ToArray());
        """));

    [Fact]
    public Task A_spawn_mutating_while_the_scope_body_reads_races() => Verify.VerifyAnalyzerAsync(Program("""
                var log = new System.Text.StringBuilder();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:log|}.Append("item"));
                    Console.WriteLine(log.Length);
                });
                Console.WriteLine(log.ToString());
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("log", "StringBuilder", "work started with Scope.Spawn at line 14", "the scope body at line 15", "read"));

    [Fact]
    public Task Two_unscoped_tasks_mutating_one_queue_race() => Verify.VerifyAnalyzerAsync(Program("""
                var queue = new Queue<int>();
                var a = Task.Run(() => {|#0:queue|}.Enqueue(1));
                var b = Task.Run(() => queue.Dequeue());
                Task.WaitAll(a, b);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_shared_Random_instance_races_but_Random_Shared_does_not() => Verify.VerifyAnalyzerAsync(Program("""
                var random = new Random(42);
                var rolls = new int[items.Length];
                Parallel.For(0, items.Length, i => rolls[i] = {|#0:random|}.Next(6));
                Parallel.For(0, items.Length, i => rolls[i] = Random.Shared.Next(6));
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_list_field_mutated_by_Parallel_ForEach_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly List<int> _seen = new List<int>();

            void M(int[] items) => Parallel.ForEach(items, x => {|#0:_seen|}.Add(x));
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_type_listed_as_not_thread_safe_is_checked_and_one_listed_as_thread_safe_is_not() => new Verify.Test
    {
        TestCode = Usings + """
            class Tally { public void Add(int x) { } public int Total => 0; }

            class C
            {
                void M(int[] items)
                {
                    var tally = new Tally();
                    var list = new List<int>();
                    Parallel.ForEach(items, x => { {|#0:tally|}.Add(x); list.Add(x); });
                }
            }
            """,
        EditorConfig = "root = true\n[*.cs]\nscopesafety.not_thread_safe_types = T:Tally\nscopesafety.thread_safe_types = System.Collections.Generic.List`1\n",
        ExpectedDiagnostics = { Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("tally", "Tally", "work started with Parallel.ForEach at line 15", "another run of the same work", "also mutate") },
    }.RunAsync();

    // ---- SCOPE012: for loop variables ---------------------------------------------------------------------

    [Fact]
    public Task A_for_variable_captured_by_a_spawn_is_reported() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = new int[4];
                Scope.Run(scope =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        scope.Spawn(() => seen[{|#0:i|} % 4] = {|#1:i|});
                    }
                });
        """),
        Verify.Diagnostic("SCOPE012").WithLocation(0).WithArguments("i", "work started with Scope.Spawn at line 16"));

    [Fact]
    public Task A_per_iteration_copy_or_a_join_within_the_iteration_is_not_reported() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = new int[4];
                Scope.Run(scope =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        var copy = i;
                        scope.Spawn(() => seen[copy] = copy);
                    }

                    for (int i = 0; i < 4; i++)
                    {
                        scope.Spawn(() => seen[i] = i).Join();
                    }
                });
                for (int i = 0; i < 4; i++)
                {
                    Parallel.For(0, 4, j => seen[j] += i);
                }
        """));

    [Fact]
    public Task A_for_variable_captured_by_Task_Run_or_a_thread_is_reported() => Verify.VerifyAnalyzerAsync(Program("""
                var tasks = new List<Task>();
                for (int i = 0; i < 4; i++)
                {
                    tasks.Add(Task.Run(() => Console.WriteLine({|#0:i|})));
                }

                for (var j = 0; j < 4; j++)
                {
                    new Thread(() => Console.WriteLine({|#1:j|})).Start();
                }

                Task.WaitAll(tasks.ToArray());
        """),
        Verify.Diagnostic("SCOPE012").WithLocation(0).WithArguments("i", "work started with Task.Run at line 14"),
        Verify.Diagnostic("SCOPE012").WithLocation(1).WithArguments("j", "work started with new Thread at line 19"));

    [Fact]
    public Task A_foreach_variable_is_fresh_per_iteration() => Verify.VerifyAnalyzerAsync(Program("""
                Scope.Run(scope =>
                {
                    foreach (var x in items)
                    {
                        scope.Spawn(() => Console.WriteLine(x));
                    }
                });
        """));

    internal const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        """;

    /// <summary><see cref="Usings"/> and System.Collections.Concurrent: the class starts at line 8.</summary>
    internal const string ConcurrentUsings = Usings + """
        using System.Collections.Concurrent;

        """;

    /// <summary>A class whose method M(int[] items) has <paramref name="body"/>; the body's first line is line 11.</summary>
    internal static string Program(string body) => Usings + """
        class C
        {
            void M(int[] items)
            {
        BODY
            }
        }
        """.Replace("BODY", body);
}
