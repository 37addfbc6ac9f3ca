using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 and SCOPE011 on common shapes of C# concurrency that the rules had missed or misread: a method that a
/// thread runs by method group and the starter also calls, a collection mutated in a method both sides call, a flag
/// the starter spins on, async calls made inside one <c>Task.WhenAll(…)</c>, and <c>Select(async …)</c> whose tasks
/// start at once. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class CommonShapeTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // ---- the host calls the method an item runs -------------------------------------------------------------

    [Fact]
    public Task A_thread_running_a_method_group_races_with_the_starter_calling_it_too() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private long _total;

            public long Run()
            {
                var t = new Thread({|#0:Add|});
                t.Start();
                Add();
                t.Join();
                return _total;
            }

            private void Add()
            {
                for (var i = 0; i < 1000; i++) _total += i;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_total", "work started with new Thread at line 13 (in Counter.Add)", "the method at line 15 (in Counter.Add)", "also write"));

    [Fact]
    public Task A_thread_running_a_method_group_joined_before_the_starter_calls_it_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private long _total;

            public long Run()
            {
                var t = new Thread(Add);
                t.Start();
                t.Join();
                Add();
                return _total;
            }

            private void Add()
            {
                for (var i = 0; i < 1000; i++) _total += i;
            }
        }
        """);

    [Fact]
    public Task A_list_filled_in_a_method_both_the_task_and_the_starter_call_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Store
        {
            private readonly List<int> _items = new();

            public void Load()
            {
                var t = Task.Run(() => {|#0:Fill()|});
                Fill();
                t.Wait();
            }

            private void Fill()
            {
                for (var i = 0; i < 10; i++) _items.Add(i);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<int>", "work started with Task.Run at line 13 (in Store.Fill)", "the method at line 14 (in Store.Fill)", "also mutate"));

    [Fact]
    public Task A_list_filled_by_the_starter_after_the_task_is_awaited_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Store
        {
            private readonly List<int> _items = new();

            public async Task Load()
            {
                await Task.Run(() => Fill());
                Fill();
            }

            private void Fill()
            {
                for (var i = 0; i < 10; i++) _items.Add(i);
            }
        }
        """);

    // ---- the starter spins on a volatile flag -------------------------------------------------------------

    [Fact]
    public Task Data_the_work_publishes_before_raising_a_volatile_flag_the_starter_spins_on_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private volatile bool _done;
            private int _result;

            public int Go()
            {
                ThreadPool.QueueUserWorkItem(_ => { _result = 42; _done = true; });
                while (!_done) Thread.Yield();
                return _result;
            }
        }
        """);

    [Fact]
    public Task Data_read_inside_the_spin_loop_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private volatile bool _done;
            private int _result;

            public void Go()
            {
                ThreadPool.QueueUserWorkItem(_ => { {|#0:_result|} = 42; _done = true; });
                while (!_done) { Console.WriteLine(_result); }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_result", "work started with ThreadPool.QueueUserWorkItem at line 14", "the method at line 15", "read"));

    [Fact]
    public Task A_spin_loop_that_may_break_out_orders_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private volatile bool _done;
            private int _result;

            public int Go(bool quit)
            {
                ThreadPool.QueueUserWorkItem(_ => { {|#0:_result|} = 42; _done = true; });
                while (!_done) { if (quit) break; }
                return _result;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_result", "work started with ThreadPool.QueueUserWorkItem at line 14", "the method at line 16", "read"));

    [Fact]
    public Task A_plain_flag_spun_on_still_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private bool _done;
            private int _result;

            public int Go()
            {
                ThreadPool.QueueUserWorkItem(_ => { {|#0:_result|} = 42; {|#1:_done|} = true; });
                while (!_done) { }
                return _result;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_done", "work started with ThreadPool.QueueUserWorkItem at line 14", "the method at line 15", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_result", "work started with ThreadPool.QueueUserWorkItem at line 14", "the method at line 16", "read"));

    // ---- async calls made inside one Task.WhenAll(…) ---------------------------------------------------------

    [Fact]
    public Task Two_async_calls_made_inside_one_WhenAll_race_where_their_continuations_write_a_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            private int _hits;

            async Task LoadAsync() { await Task.Delay(1); {|#0:_hits|}++; }

            async Task SaveAsync() { await Task.Delay(1); _hits--; }

            public async Task<int> RunAsync()
            {
                await Task.WhenAll(LoadAsync(), SaveAsync());
                return _hits;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_hits", "LoadAsync after its await at line 11", "Cache.RunAsync at line 17 (in Cache.SaveAsync) (after it calls LoadAsync at line 17)", "also write"));

    [Fact]
    public Task Two_async_calls_awaited_one_after_the_other_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            private int _hits;

            async Task LoadAsync() { await Task.Delay(1); _hits++; }

            async Task SaveAsync() { await Task.Delay(1); _hits--; }

            public async Task<int> RunAsync()
            {
                await LoadAsync();
                await SaveAsync();
                return _hits;
            }
        }
        """);

    [Fact]
    public Task An_async_method_called_in_a_loop_races_with_its_next_call_where_its_continuation_writes_a_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Crawler
        {
            private int _done;

            async Task Work(int i) { await Task.Delay(i); {|#0:_done|}++; }

            public async Task<int> Run()
            {
                var tasks = new List<Task>();
                for (var i = 0; i < 4; i++) tasks.Add(Work(i));
                await Task.WhenAll(tasks);
                return _done;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_done", "Work after its await at line 11", "Crawler.Run at line 16 (in Crawler.Work) (after it calls Work at line 16)", "also write"));

    [Fact]
    public Task An_async_method_awaited_in_each_round_of_a_loop_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Crawler
        {
            private int _done;

            async Task Work(int i) { await Task.Delay(i); _done++; }

            public async Task<int> Run()
            {
                for (var i = 0; i < 4; i++) await Work(i);
                return _done;
            }
        }
        """);

    // ---- Select(async …) whose tasks start at once --------------------------------------------------------

    [Fact]
    public Task An_async_Select_handed_to_WhenAll_races_on_a_list_its_runs_fill_after_an_await() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Main()
            {
                var results = new List<string>();
                var tasks = Enumerable.Range(0, 5).Select(async i =>
                {
                    await Task.Delay(1);
                    {|#0:results|}.Add(i.ToString());
                });
                await Task.WhenAll(tasks);
                return results.Count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<string>", "work started with Select(async …) at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task An_async_Select_copied_with_ToList_races_on_a_dictionary() => Verify.VerifyAnalyzerAsync(Usings + """
        class Warmer
        {
            private readonly Dictionary<int, string> _cache = new();

            async Task<string> Fetch(int id) { await Task.Delay(1); return id.ToString(); }

            public async Task Warm(int[] ids)
            {
                var pending = ids.Select(async id => { var value = await Fetch(id); {|#0:_cache|}[id] = value; }).ToList();
                foreach (var task in pending) await task;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_cache", "Dictionary<int, string>", "work started with Select(async …) at line 15", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_counter_changed_before_and_after_the_await_of_an_async_Select_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Main()
            {
                var inFlight = 0;
                await Task.WhenAll(Enumerable.Range(0, 5).Select(async i => { {|#0:inFlight|}++; await Task.Delay(1); inFlight--; }));
                return inFlight;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("inFlight", "work started with Select(async …) at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task What_an_async_Select_does_before_its_first_await_runs_in_turn_and_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Main()
            {
                var started = 0;
                var results = new List<int>();
                var tasks = Enumerable.Range(0, 5).Select(async i => { started++; results.Add(i); await Task.Delay(1); return i; });
                var all = await Task.WhenAll(tasks);
                return started + all.Length + results.Count;
            }
        }
        """);

    [Fact]
    public Task An_async_Select_whose_tasks_are_awaited_one_by_one_as_they_are_made_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Main()
            {
                var results = new List<int>();
                foreach (var task in Enumerable.Range(0, 5).Select(async i => { await Task.Delay(1); results.Add(i); }))
                {
                    await task;
                }

                return results.Count;
            }
        }
        """);

    [Fact]
    public Task An_async_Select_filling_a_ConcurrentDictionary_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Warmer
        {
            private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _cache = new();

            async Task<string> Fetch(int id) { await Task.Delay(1); return id.ToString(); }

            public Task Warm(int[] ids) => Task.WhenAll(ids.Select(async id => { _cache[id] = await Fetch(id); }));
        }
        """);

    [Fact]
    public Task An_async_Select_in_a_UI_program_whose_awaits_come_back_to_the_UI_thread_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        namespace System.Windows.Forms { public class Control { } }

        class Form
        {
            private readonly List<int> _shown = new();

            public async Task Show(int[] ids)
            {
                await Task.WhenAll(ids.Select(async id => { await Task.Delay(1); _shown.Add(id); }));
            }
        }
        """);

    [Fact]
    public Task Async_calls_selected_by_a_plain_lambda_or_a_method_group_race_after_their_awaits() => Verify.VerifyAnalyzerAsync(Usings + """
        class Log
        {
            private readonly List<int> _seen = new();
            private readonly List<int> _done = new();

            async Task LoadAsync(int i) { _seen.Add(i); await Task.Delay(1); _done.Add(i); }

            async Task SaveAsync(int i) { await Task.Delay(1); _done.Add(-i); }

            public async Task RunAsync(int[] ids)
            {
                await Task.WhenAll(ids.Select(i => {|#0:LoadAsync(i)|}));
                await Task.WhenAll(ids.Select({|#1:SaveAsync|}));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_done", "List<int>", "work started with Select(async …) at line 18 (in Log.LoadAsync)", "another run of the same work", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("_done", "List<int>", "work started with Select(async …) at line 19 (in Log.SaveAsync)", "another run of the same work", "also mutate"));

    [Fact]
    public Task What_a_selected_async_call_does_before_its_first_await_runs_in_turn_and_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Log
        {
            private readonly List<int> _seen = new();

            async Task<int> LoadAsync(int i) { _seen.Add(i); await Task.Delay(1); return i; }

            public Task<int[]> RunAsync(int[] ids) => Task.WhenAll(ids.Select(i => LoadAsync(i)));
        }
        """);

    // ---- SpinLock ------------------------------------------------------------------------------------------

    [Fact]
    public Task A_count_under_a_SpinLock_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private SpinLock _spin = new(false);
            private long _count;

            public long Run()
            {
                Parallel.For(0, 100, i =>
                {
                    var taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        _count++;
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }
                });
                return _count;
            }
        }
        """);

    [Fact]
    public Task A_count_beside_a_SpinLock_but_outside_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private SpinLock _spin = new(false);
            private long _count;

            public long Run()
            {
                Parallel.For(0, 100, i =>
                {
                    var taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }

                    {|#0:_count|}++;
                });
                return _count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "work started with Parallel.For at line 14", "another run of the same work", "also write"));

    // ---- objects used in a local function the work calls ---------------------------------------------------

    [Fact]
    public Task A_list_filled_in_a_local_function_each_run_calls_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static int Squares()
            {
                var results = new List<int>();
                void Add(int i) { results.Add(i * i); }
                Parallel.For(0, 10, i => {|#0:Add(i)|});
                return results.Count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Parallel.For at line 13", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_list_filled_in_a_local_function_under_a_lock_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static int Squares()
            {
                var results = new List<int>();
                var gate = new object();
                void Add(int i) { lock (gate) results.Add(i * i); }
                Parallel.For(0, 10, i => Add(i));
                Parallel.For(0, 10, i => { lock (gate) results.Add(i); });
                return results.Count;
            }
        }
        """);

    [Fact]
    public Task A_local_async_function_selected_at_once_races_after_its_await_and_not_before() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Run(int[] ids)
            {
                var seen = new List<int>();
                var done = new List<int>();
                async Task Process(int i) { seen.Add(i); await Task.Delay(1); done.Add(i); }
                await Task.WhenAll(ids.Select(i => {|#0:Process(i)|}));
                return seen.Count + done.Count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("done", "List<int>", "work started with Select(async …) at line 14", "another run of the same work", "also mutate"));

    // ---- async local functions left running ---------------------------------------------------------------

    [Fact]
    public Task Two_calls_of_an_async_local_function_in_flight_race_where_their_continuations_fill_a_list() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Run()
            {
                var results = new List<int>();
                async Task Fetch(int i) { await Task.Delay(i); {|#0:results|}.Add(i); }
                await Task.WhenAll(Fetch(1), Fetch(2));
                return results.Count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Fetch at line 13", "work started with Fetch at line 13", "also mutate"));

    [Fact]
    public Task An_async_local_function_called_in_a_loop_races_with_its_next_call() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Run()
            {
                var total = 0;
                async Task Work(int i) { await Task.Delay(i); total += i; }
                var tasks = new List<Task>();
                for (var i = 0; i < 4; i++) tasks.Add({|#0:Work(i)|});
                await Task.WhenAll(tasks);
                return total;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Work at line 14", "another run of the same work", "also write"));

    [Fact]
    public Task The_caller_filling_the_list_before_it_awaits_an_async_local_function_races_with_its_continuation() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Run()
            {
                var results = new List<int>();
                async Task Fetch(int i) { await Task.Delay(i); {|#0:results|}.Add(i); }
                var pending = Fetch(1);
                results.Add(0);
                await pending;
                return results.Count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Fetch at line 13", "the method at line 14", "also mutate"));

    [Fact]
    public Task Async_local_functions_awaited_as_they_are_called_locked_or_used_only_before_their_awaits_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static async Task<int> Run()
            {
                var results = new List<int>();
                var seen = new List<int>();
                var gate = new object();
                async Task Fetch(int i) { await Task.Delay(i); results.Add(i); }
                async Task Locked(int i) { await Task.Delay(i); lock (gate) results.Add(i); }
                async Task<int> Count(int i) { seen.Add(i); await Task.Delay(i); return i; }
                await Fetch(1);
                await Fetch(2);
                await Task.WhenAll(Locked(1), Locked(2));
                var a = Count(1);
                var b = Count(2);
                seen.Add(0);
                var counted = await Task.WhenAll(a, b);
                results.Add(0);
                return results.Count + seen.Count + counted.Length;
            }
        }
        """);

    // ---- element indices that two runs can share, and a lock nobody shares ------------------------------------

    [Fact]
    public Task Indices_that_fold_several_runs_onto_one_element_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Buckets
        {
            public static int[] Count(int n)
            {
                var parity = new int[2];
                var pairs = new int[n / 2 + 1];
                Parallel.For(0, n, i => {|#0:parity[i % 2]|} += i);
                Parallel.For(0, n, i => {|#1:pairs[i / 2]|} = i);
                Parallel.For(0, n, i => {|#2:parity[i & 1]|}++);
                var grid = new int[n * n];
                Parallel.For(0, n, row =>
                {
                    for (var column = 0; column <= n; column++) {|#3:grid[row * n + column]|} = row;
                });
                return parity;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("parity[]", "work started with Parallel.For at line 13", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("pairs[]", "work started with Parallel.For at line 14", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("parity[]", "work started with Parallel.For at line 15", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(3).WithArguments("grid[]", "work started with Parallel.For at line 17", "another run of the same work", "also write"));

    [Fact]
    public Task Indices_that_give_each_run_its_own_element_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Grid
        {
            private readonly int _offset = 1;

            public static void Fill(int[] a, int[] b, int width)
            {
                Parallel.For(0, 4, i => a[i % 4] = i);
                Parallel.For(0, a.Length / 2, i => a[2 * i + 1] = i);
                Parallel.For(1, a.Length, i => b[-i + a.Length] = i);
                var seen = new int[8];
                for (var i = 0; i < 8; i++)
                {
                    var k = i;
                    Task.Run(() => seen[k % 8] = k).Wait();
                }
            }

            public void Shift(int[] a) => Parallel.For(0, a.Length - _offset, i => a[i + _offset] = i);

            public static void Copy(int[] src, int[] dst, int offset, int width)
            {
                Parallel.For(0, src.Length, i => dst[offset + i] = src[i]);
                Parallel.For(0, src.Length, i => dst[dst.Length - 1 - i] = src[i]);
                Parallel.For(0, src.Length / width, row =>
                {
                    for (var column = 0; column < width; column++) dst[row * width + column] = src[row];
                });
            }
        }
        """);

    [Fact]
    public Task Cells_of_nested_parallel_loops_in_row_or_column_order_are_each_runs_own() => Verify.VerifyAnalyzerAsync(Usings + """
        class Matrix
        {
            public static void Fill(double[] c, int n)
            {
                Parallel.For(0, n, i => Parallel.For(0, n, j => c[i * n + j] = i + j));
                Parallel.For(0, n, i => Parallel.For(0, n, j => c[j * n + i] = i - j));
                Parallel.For(0, 8, row => Scope.For(0, 8, column => c[row * 8 + column] += row));
                Parallel.For(0, n, column => { for (var row = 0; row < n; row++) c[row * n + column] = row; });
            }

            public static void Overlapping(double[] c, int n, int m)
            {
                Parallel.For(0, n, i => Parallel.For(0, n + 1, j => {|#0:c[i * n + j]|} = i + j));
                Parallel.For(0, n, i => Parallel.For(0, n, j => {|#1:c[(i / 2) * n + j]|} += 1));
                Parallel.For(0, m, i => { for (var j = 0; j < m; j++) {|#2:c[j * n + i]|} = i; });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("c[]", "work started with Parallel.For at line 19", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("c[]", "work started with Parallel.For at line 20", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("c[]", "work started with Parallel.For at line 21", "another run of the same work", "also write"));

    // SharpLearning's im2col loops: the cell is computed into locals of the work first (var index = rowMajor * batchSize +
    // batchItem;), each given one value; the index is that value. Two loops over the run's own chunk walk the same cells.
    // A local given two values, one whose value two runs share, or another local of the same name, is still compared by
    // what it may be.
    [Fact]
    public Task Indices_computed_into_locals_of_the_work_are_the_values_they_hold() => Verify.VerifyAnalyzerAsync(Usings + """
        class Convolution
        {
            public static void Reorder(float[] source, float[] target, int batchSize, int filterCount, int columnWidth)
            {
                Parallel.For(0, batchSize, batchItem =>
                {
                    var batchOffSet = batchItem * columnWidth;
                    for (var filter = 0; filter < filterCount; filter++)
                    {
                        var rowOffSet = filter * columnWidth;
                        for (var column = 0; column < columnWidth; column++)
                        {
                            var rowMajorIndex = rowOffSet + column;
                            var index = rowMajorIndex * batchSize + batchItem;
                            var convIndex = (batchOffSet + column) * filterCount + filter;
                            target[index] = source[convIndex];
                            source[convIndex] = 0;
                        }
                    }
                });
                Parallel.For(0, batchSize, chunk =>
                {
                    for (var k = chunk * columnWidth; k < (chunk + 1) * columnWidth; k++) target[k] = 1;
                    for (var k = chunk * columnWidth; k < (chunk + 1) * columnWidth; k++) target[k] += source[k];
                });
            }

            public static void Overlapping(float[] target, int n)
            {
                Parallel.For(0, n, i =>
                {
                    var half = i / 2;
                    {|#0:target[half]|} = i;
                });
                Parallel.For(0, n, i =>
                {
                    var k = i;
                    if (i > 0) k = i - 1;
                    {|#1:target[k]|} += 1;
                });
                Parallel.For(0, n, i =>
                {
                    { var k = i; {|#2:target[k]|} = 1; }
                    { var k = i + 1; target[k] += 1; }
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("target[]", "work started with Parallel.For at line 36", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("target[]", "work started with Parallel.For at line 41", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("target[]", "work started with Parallel.For at line 47", "another run of the same work", "read"));

    [Fact]
    public Task A_lock_on_an_object_created_by_the_lock_excludes_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Tally
        {
            private readonly object _gate = new object();

            public static int Broken(int n)
            {
                var count = 0;
                Parallel.For(0, n, i => { lock (new object()) { {|#0:count|}++; } });
                return count;
            }

            public int Fixed(int n)
            {
                var count = 0;
                Parallel.For(0, n, i => { lock (_gate) { count++; } });
                return count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with Parallel.For at line 14", "another run of the same work", "also write"));

    // ---- a signal set or waited for one call away --------------------------------------------------------------

    [Fact]
    public Task A_signal_set_at_the_end_of_a_method_the_work_calls_or_waited_for_in_a_method_the_host_calls_orders_the_work() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private readonly ManualResetEventSlim _done = new ManualResetEventSlim();
            private readonly TaskCompletionSource<bool> _loaded = new TaskCompletionSource<bool>();
            private int _result;
            private string _text = "";

            public int Run()
            {
                ThreadPool.QueueUserWorkItem(_ => Complete(42));
                _done.Wait();
                return _result;
            }

            public int RunWaitingInHelper()
            {
                ThreadPool.QueueUserWorkItem(_ => { _result = 42; _done.Set(); });
                WaitDone();
                return _result;
            }

            public async Task<string> LoadAsync()
            {
                ThreadPool.QueueUserWorkItem(_ => { _text = "loaded"; _loaded.SetResult(true); });
                await WhenLoadedAsync();
                return _text;
            }

            public string RunCompletingInFinally()
            {
                ThreadPool.QueueUserWorkItem(_ => CompleteText());
                _done.Wait();
                return _text;
            }

            private void Complete(int value)
            {
                _result = value;
                _done.Set();
            }

            private void CompleteText()
            {
                try
                {
                    _text = "computed";
                }
                finally
                {
                    _done.Set();
                }
            }

            private void WaitDone() => _done.Wait();

            private async Task WhenLoadedAsync()
            {
                await _loaded.Task;
            }
        }
        """);

    [Fact]
    public Task A_signal_one_call_away_that_may_come_before_the_write_or_be_skipped_orders_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private readonly ManualResetEventSlim _done = new ManualResetEventSlim();
            private int _result;
            private int _late;
            private int _maybe;

            public int SetTooEarly()
            {
                ThreadPool.QueueUserWorkItem(_ => {|#0:Complete(42)|});
                _done.Wait();
                return _late;
            }

            public int WaitsOnlySometimes(bool fast)
            {
                ThreadPool.QueueUserWorkItem(_ => { {|#1:_maybe|} = 42; _done.Set(); });
                WaitUnlessFast(fast);
                return _maybe;
            }

            public int Overridable()
            {
                ThreadPool.QueueUserWorkItem(_ => { {|#2:_result|} = 42; _done.Set(); });
                WaitDone();
                return _result;
            }

            private void Complete(int value)
            {
                _done.Set();
                _late = value;
            }

            private void WaitUnlessFast(bool fast)
            {
                if (fast) return;
                _done.Wait();
            }

            protected virtual void WaitDone() => _done.Wait();
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_late", "work started with ThreadPool.QueueUserWorkItem at line 16 (in Loader.Complete)", "the method at line 18", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_maybe", "work started with ThreadPool.QueueUserWorkItem at line 23", "the method at line 25", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("_result", "work started with ThreadPool.QueueUserWorkItem at line 30", "the method at line 32", "read"));

    // ---- library calls that use a whole array -------------------------------------------------------------------

    [Fact]
    public Task A_library_call_that_writes_every_element_races_with_other_uses_of_the_array() => Verify.VerifyAnalyzerAsync(Usings + """
        class Buffers
        {
            public static int Sorted(int[] a)
            {
                var first = 0;
                Parallel.Invoke(() => {|#0:Array.Sort(a)|}, () => first = a[0]);
                return first;
            }

            public static void Scratch(int n)
            {
                var scratch = new byte[64];
                Parallel.For(0, n, i =>
                {
                    {|#1:new Random(i).NextBytes(scratch)|};
                    Array.Clear(scratch);
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("a[]", "work started with Parallel.Invoke at line 12", "work started with Parallel.Invoke at line 12", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("scratch[]", "work started with Parallel.For at line 19", "another run of the same work", "also write"));

    [Fact]
    public Task Library_calls_on_a_run_s_own_array_on_a_part_of_one_or_that_only_read_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Buffers
        {
            public static int Run(int[] a, int n)
            {
                Parallel.For(0, n, i =>
                {
                    var own = new byte[64];
                    new Random(i).NextBytes(own);
                });
                var half = a.Length / 2;
                Parallel.Invoke(() => Array.Clear(a, 0, half), () => Array.Clear(a, half, a.Length - half));
                var sum = 0;
                var max = 0;
                Parallel.Invoke(() => sum = a.Sum(), () => max = a.Max());
                Array.Sort(a);
                return sum + max + a[0];
            }
        }
        """);

    [Fact]
    public Task An_observable_collection_is_a_collection_that_is_not_thread_safe() => Verify.VerifyAnalyzerAsync(Usings + """
        class Feed
        {
            private readonly System.Collections.ObjectModel.ObservableCollection<int> _items = new System.Collections.ObjectModel.ObservableCollection<int>();

            public void Fill(int n) => Parallel.For(0, n, i => {|#0:_items|}.Add(i));

            public int Peek(int n)
            {
                var seen = 0;
                Parallel.For(0, n, i => { if (_items.Count > i && _items.Contains(i)) Interlocked.Increment(ref seen); });
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "ObservableCollection<int>", "work started with Parallel.For at line 11", "another run of the same work", "also mutate"));

    // ---- an async method of the project handed the caller's object and left running --------------------------------

    [Fact]
    public Task Async_calls_left_running_with_one_shared_list_race_on_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Fetcher
        {
            private static async Task FetchAsync(int id, List<int> into)
            {
                await Task.Delay(10);
                into.Add(id);
            }

            public static async Task<List<int>> BothAsync()
            {
                var results = new List<int>();
                await Task.WhenAll({|#0:FetchAsync(1, results)|}, FetchAsync(2, results));
                return results;
            }

            public static async Task<List<int>> LoopAsync(int[] ids)
            {
                var results = new List<int>();
                var tasks = new List<Task>();
                foreach (var id in ids) tasks.Add({|#1:FetchAsync(id, results)|});
                await Task.WhenAll(tasks);
                return results;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with FetchAsync at line 18 (in Fetcher.FetchAsync)", "work started with FetchAsync at line 18 (in Fetcher.FetchAsync)", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("results", "List<int>", "work started with FetchAsync at line 26 (in Fetcher.FetchAsync)", "another run of the same work", "also mutate"));

    [Fact]
    public Task Async_calls_awaited_one_at_a_time_or_given_their_own_lists_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Fetcher
        {
            private static async Task FetchAsync(int id, List<int> into)
            {
                into.Add(-id);
                await Task.Delay(10);
                into.Add(id);
            }

            public static async Task<List<int>> InTurnAsync(int[] ids)
            {
                var results = new List<int>();
                foreach (var id in ids) await FetchAsync(id, results);
                return results;
            }

            public static async Task<int> OwnListsAsync()
            {
                var first = new List<int>();
                var second = new List<int>();
                await Task.WhenAll(FetchAsync(1, first), FetchAsync(2, second));
                return first.Count + second.Count;
            }
        }
        """);
}

