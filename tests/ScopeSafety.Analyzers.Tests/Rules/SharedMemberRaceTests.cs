using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using VerifyObjects = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 beyond captured locals (issue 17): statics, fields of this, fields reached through a variable, array
/// elements, work started as a method, and accesses made in the source methods the work calls. Each hazard beside the
/// twin that must stay silent. The class starts at line 7.
/// </summary>
public class SharedMemberRaceTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // ---- fields of this and statics ------------------------------------------------------------------------

    [Fact]
    public Task Two_spawns_incrementing_a_field_of_this_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private long _count;

            public long Count()
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) {|#0:_count|}++; });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) _count++; });
                });
                return _count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "work started with Scope.Spawn at line 15", "work started with Scope.Spawn at line 16", "also write"));

    [Fact]
    public Task Two_spawns_incrementing_a_field_through_Interlocked_or_under_one_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private long _count;
            private long _locked;
            private readonly object _gate = new object();

            public long Count()
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { Interlocked.Increment(ref _count); lock (_gate) _locked++; });
                    scope.Spawn(() => { Interlocked.Increment(ref _count); lock (_gate) { _locked++; } });
                });
                return _count + _locked;
            }
        }
        """);

    [Fact]
    public Task Two_tasks_adding_to_a_static_field_race() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Stats
        {
            public static long Total;
        }

        class C
        {
            void M()
            {
                var a = Task.Run(() => {|#0:Stats.Total|} += 1);
                var b = Task.Run(() => Stats.Total += 2);
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Stats.Total", "work started with Task.Run at line 16", "work started with Task.Run at line 17", "also write"));

    [Fact]
    public Task Tasks_only_reading_a_static_field_set_before_they_start_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Limit;

            void M()
            {
                Limit = 10;
                var a = Task.Run(() => Console.WriteLine(Limit));
                var b = Task.Run(() => Console.WriteLine(Limit + 1));
                Task.WaitAll(a, b);
                Limit = 20;
            }
        }
        """);

    [Fact]
    public Task A_static_auto_property_incremented_by_a_parallel_loop_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int Hits { get; set; }

            void M(int[] items)
            {
                Parallel.For(0, items.Length, i => {|#0:Hits|}++);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.Hits", "work started with Parallel.For at line 13", "another run of the same work", "also write"));

    // ---- locks over places ------------------------------------------------------------------------------------

    [Fact]
    public Task A_reader_writer_lock_and_a_one_slot_semaphore_exclude_like_a_lock() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
            private int _version;
            private int _hits;

            public async Task RunAsync()
            {
                var writer = Task.Run(() =>
                {
                    _rw.EnterWriteLock();
                    try { _version++; } finally { _rw.ExitWriteLock(); }
                });
                var reader = Task.Run(() =>
                {
                    _rw.EnterReadLock();
                    try { Console.WriteLine(_version); } finally { _rw.ExitReadLock(); }
                });
                var counter = Task.Run(async () =>
                {
                    await _mutex.WaitAsync();
                    try { _hits++; } finally { _mutex.Release(); }
                });
                var other = Task.Run(() =>
                {
                    _mutex.Wait();
                    try { _hits++; } finally { _mutex.Release(); }
                });
                await Task.WhenAll(writer, reader, counter, other);
            }
        }
        """);

    [Fact]
    public Task A_mutex_and_a_one_slot_kernel_semaphore_exclude_like_a_lock() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private static readonly Mutex s_mutex = new Mutex();
            private static readonly Semaphore s_gate = new Semaphore(1, 1);
            private static int s_value;
            private static int s_other;

            public void Run()
            {
                var a = Task.Run(() =>
                {
                    s_mutex.WaitOne();
                    try { s_value++; } finally { s_mutex.ReleaseMutex(); }
                    s_gate.WaitOne();
                    try { s_other++; } finally { s_gate.Release(); }
                });
                var b = Task.Run(() =>
                {
                    s_mutex.WaitOne();
                    try { s_value++; } finally { s_mutex.ReleaseMutex(); }
                    s_gate.WaitOne();
                    try { s_other++; } finally { s_gate.Release(); }
                });
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task A_kernel_semaphore_with_two_slots_excludes_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private static readonly Semaphore s_slots = new Semaphore(2, 2);
            private static int s_busy;

            public void Run()
            {
                var a = Task.Run(() => { s_slots.WaitOne(); try { {|#0:s_busy|}++; } finally { s_slots.Release(); } });
                var b = Task.Run(() => { s_slots.WaitOne(); try { s_busy++; } finally { s_slots.Release(); } });
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_write_under_a_read_lock_races_with_another_reader() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private int _version;

            public void Run()
            {
                var a = Task.Run(() =>
                {
                    _rw.EnterReadLock();
                    try { {|#0:_version|}++; } finally { _rw.ExitReadLock(); }
                });
                var b = Task.Run(() =>
                {
                    _rw.EnterReadLock();
                    try { Console.WriteLine(_version); } finally { _rw.ExitReadLock(); }
                });
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_semaphore_with_more_than_one_slot_excludes_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly SemaphoreSlim _slots = new SemaphoreSlim(4);
            private int _busy;

            public void Run()
            {
                var a = Task.Run(() => { _slots.Wait(); try { {|#0:_busy|}++; } finally { _slots.Release(); } });
                var b = Task.Run(() => { _slots.Wait(); try { _busy++; } finally { _slots.Release(); } });
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // ---- the method against its own work -------------------------------------------------------------------

    [Fact]
    public Task A_plain_flag_set_by_the_method_while_a_thread_polls_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private bool _stop;

            public void Run()
            {
                var worker = new Thread(() => { while (!{|#0:_stop|}) Thread.Sleep(1); });
                worker.Start();
                Thread.Sleep(100);
                _stop = true;
                worker.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_stop", "the method at line 16", "work started with new Thread at line 13", "read"));

    [Fact]
    public Task A_volatile_flag_set_by_the_method_while_a_thread_polls_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private volatile bool _stop;

            public void Run()
            {
                var worker = new Thread(() => { while (!_stop) Thread.Sleep(1); });
                worker.Start();
                Thread.Sleep(100);
                _stop = true;
                worker.Join();
            }
        }
        """);

    [Fact]
    public Task A_field_the_method_writes_after_joining_its_task_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _count;

            void M()
            {
                _count = 1;
                var task = Task.Run(() => _count++);
                task.Wait();
                _count++;
            }
        }
        """);

    [Fact]
    public Task A_field_the_method_writes_before_joining_its_task_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _count;

            void M()
            {
                var task = Task.Run(() => {|#0:_count|}++);
                _count++;
                task.Wait();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // ---- fields of objects reached through a variable, and objects the work owns -----------------------------

    [Fact]
    public Task Two_threads_updating_a_field_of_one_shared_object_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            public decimal Balance;
        }

        class C
        {
            void M(Account account)
            {
                var a = new Thread(() => {|#0:account.Balance|} += 10);
                var b = new Thread(() => account.Balance -= 5);
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("account.Balance", "work started with new Thread at line 16", "work started with new Thread at line 17", "also write"));

    [Fact]
    public Task Work_updating_objects_it_creates_itself_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            public decimal Balance;
        }

        class C
        {
            void M()
            {
                var a = Task.Run(() => { var mine = new Account(); mine.Balance += 10; return mine; });
                var b = Task.Run(() => { var mine = new Account(); mine.Balance -= 5; return mine; });
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task Two_threads_updating_fields_of_two_different_objects_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            public decimal Balance;
        }

        class C
        {
            void M()
            {
                var first = new Account();
                var second = new Account();
                var a = new Thread(() => first.Balance += 10);
                var b = new Thread(() => second.Balance -= 5);
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """);

    // ---- array elements ------------------------------------------------------------------------------------

    [Fact]
    public Task A_parallel_loop_writing_its_own_index_or_a_chunk_copy_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                var squares = new int[items.Length];
                Parallel.For(0, items.Length, i => squares[i] = items[i] * items[i]);

                var sums = new long[4];
                Scope.Run(scope =>
                {
                    for (var chunk = 0; chunk < 4; chunk++)
                    {
                        var c = chunk;
                        scope.Spawn(() =>
                        {
                            for (var k = c * 100; k < (c + 1) * 100; k++) sums[c] += k;
                        });
                    }
                });

                var output = new int[items.Length];
                Parallel.For(0, items.Length, i => output[i] = i == 0 ? items[0] : items[i] + items[i - 1]);
            }
        }
        """);

    [Fact]
    public Task A_parallel_loop_writing_its_neighbour_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                Parallel.For(1, items.Length, i => {|#0:items[i]|} += items[i - 1]);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("items[]", "work started with Parallel.For at line 11", "another run of the same work", "read"));

    [Fact]
    public Task A_parallel_loop_writing_one_constant_slot_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                var total = new long[1];
                Parallel.For(0, items.Length, i => {|#0:total[0]|} += items[i]);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task Both_sides_of_a_join_walking_the_whole_array_race_while_two_halves_do_not() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                Scope.Join(
                    () => { for (var k = 0; k < items.Length; k++) {|#0:items[k]|}++; },
                    () => { for (var k = 0; k < items.Length; k++) items[k] *= 2; });

                var mid = items.Length / 2;
                Scope.Join(
                    () => { for (var k = 0; k < mid; k++) items[k]++; },
                    () => { for (var k = mid; k < items.Length; k++) items[k]++; });

                Scope.Join(() => items[0] = 1, () => items[1] = 2);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_loop_filling_each_threads_own_element_before_starting_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pool
        {
            private readonly Queue<int>[] _queues = new Queue<int>[4];

            void Start(string[] names)
            {
                for (var i = 0; i < 4; i++)
                {
                    var x = i;
                    _queues[x] = new Queue<int>();
                    new Thread(() => Drain(_queues[x])).Start();
                }

                var totals = new long[names.Length];
                for (var i = 0; i < names.Length; i++)
                {
                    var slot = i;
                    totals[slot] = names[slot].Length;
                    Task.Run(() => totals[slot] *= 2);
                }
            }

            static void Drain(Queue<int> queue) { }
        }
        """);

    [Fact]
    public Task A_loop_writing_the_element_after_starting_its_thread_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pool
        {
            private readonly Queue<int>[] _queues = new Queue<int>[4];

            void Start()
            {
                for (var i = 0; i < 4; i++)
                {
                    var x = i;
                    new Thread(() => Drain({|#0:_queues[x]|})).Start();
                    _queues[x] = new Queue<int>();
                }
            }

            static void Drain(Queue<int> queue) { }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_queues[]", "the method at line 17", "work started with new Thread at line 16", "read"));

    [Fact]
    public Task A_loop_indexing_by_the_shared_for_variable_still_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pool
        {
            private readonly int[] _slots = new int[4];

            void Start()
            {
                for (var i = 0; i < 4; i++)
                {
                    _slots[i] = i;
                    new Thread(() => Console.WriteLine({|#0:_slots[{|#1:i|}]|})).Start();
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_slots[]", "the method at line 15", "work started with new Thread at line 16", "read"),
        Verify.Diagnostic("SCOPE012").WithLocation(1));

    [Fact]
    public Task Threads_each_working_on_their_own_elements_object_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Ring
        {
            private int _state;

            public void Step() => _state++;
        }

        class Device
        {
            private readonly Ring[] _rings = new Ring[4];

            void Start()
            {
                for (var i = 0; i < 4; i++)
                {
                    _rings[i] = new Ring();
                    var local = i;
                    new Thread(() => Loop(_rings[local])).Start();
                }
            }

            static void Loop(Ring ring)
            {
                for (var n = 0; n < 1000; n++) ring.Step();
            }
        }
        """);

    [Fact]
    public Task Threads_all_working_on_one_elements_object_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Ring
        {
            private int _state;

            public void Step() => _state++;
        }

        class Device
        {
            private readonly Ring[] _rings = { new Ring() };

            void Start()
            {
                for (var i = 0; i < 4; i++)
                {
                    new Thread(() => {|#0:Loop(_rings[0])|}).Start();
                }
            }

            static void Loop(Ring ring)
            {
                for (var n = 0; n < 1000; n++) ring.Step();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_rings[]._state", "work started with new Thread at line 22 (in Device.Loop)", "another run of the same work", "also write"));

    // ---- work started as a method, and calls into source methods -------------------------------------------

    [Fact]
    public Task Two_threads_started_on_one_method_group_race_on_its_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private int _processed;

            public void Run()
            {
                var a = new Thread({|#0:Work|});
                var b = new Thread(Work);
                a.Start(); b.Start();
                a.Join(); b.Join();
            }

            private void Work()
            {
                for (var i = 0; i < 1000; i++) _processed++;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_processed", "work started with new Thread at line 13 (in Worker.Work)", "work started with new Thread at line 14 (in Worker.Work)", "also write"));

    [Fact]
    public Task Two_threads_started_on_one_method_group_with_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private int _processed;

            public void Run()
            {
                var a = new Thread(Work);
                var b = new Thread(Work);
                a.Start(); b.Start();
                a.Join(); b.Join();
            }

            private void Work()
            {
                for (var i = 0; i < 1000; i++) Interlocked.Increment(ref _processed);
            }
        }
        """);

    [Fact]
    public Task Two_threads_calling_an_unsynchronised_method_of_one_account_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            private decimal _balance;

            public void Deposit(decimal amount) => _balance += amount;
        }

        class C
        {
            void M(Account account)
            {
                var a = new Thread(() => {|#0:account.Deposit(10)|});
                var b = new Thread(() => account.Deposit(5));
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("account._balance", "work started with new Thread at line 18 (in Account.Deposit)", "work started with new Thread at line 19 (in Account.Deposit)", "also write"));

    [Fact]
    public Task Two_threads_calling_a_locked_or_synchronized_method_of_one_account_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Runtime.CompilerServices;

        class Account
        {
            private readonly object _gate = new object();
            private decimal _balance;
            private decimal _fees;

            public void Deposit(decimal amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                }
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Charge(decimal fee) => _fees += fee;
        }

        class C
        {
            void M(Account account)
            {
                var a = new Thread(() => { account.Deposit(10); account.Charge(1); });
                var b = new Thread(() => { account.Deposit(5); account.Charge(2); });
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """);

    [Fact]
    public Task A_recursive_fork_join_sort_over_disjoint_halves_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sorter
        {
            public static void Sort(int[] a, int lo, int hi)
            {
                if (hi - lo < 2) return;
                var mid = Partition(a, lo, hi);
                Scope.Join(() => Sort(a, lo, mid), () => Sort(a, mid + 1, hi));
            }

            private static int Partition(int[] a, int lo, int hi)
            {
                var pivot = a[hi - 1];
                var store = lo;
                for (var i = lo; i < hi - 1; i++)
                {
                    if (a[i] < pivot) { (a[i], a[store]) = (a[store], a[i]); store++; }
                }

                (a[store], a[hi - 1]) = (a[hi - 1], a[store]);
                return store;
            }
        }
        """);

    // ---- smaller misses: continuations of many tasks, spawns in a local function called again -----------------

    [Fact]
    public Task A_continuation_of_all_tasks_reading_their_result_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var result = 0;
                var a = Task.Run(() => result = 1);
                var done = Task.Factory.ContinueWhenAll(new[] { a }, _ => Console.WriteLine(result));
                done.Wait();
            }
        }
        """);

    [Fact]
    public Task A_continuation_of_any_task_may_run_beside_the_others() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var result = 0;
                var a = Task.Run(() => {|#0:result|} = 1);
                var b = Task.Run(() => Thread.Sleep(1));
                var done = Task.Factory.ContinueWhenAny(new[] { a, b }, _ => Console.WriteLine(result));
                done.Wait();
                a.Wait();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("result", "work started with Task.Run at line 12", "work started with Task.Factory.ContinueWhenAny at line 14", "read"));

    [Fact]
    public Task A_spawn_in_a_local_function_called_twice_races_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            long M()
            {
                long count = 0;
                Scope.Run(scope =>
                {
                    void StartOne() => scope.Spawn(() => {|#0:count|}++);
                    StartOne();
                    StartOne();
                });
                return count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with Scope.Spawn at line 14", "another run of the same work", "also write"));

    [Fact]
    public Task A_spawn_in_a_local_function_called_once_does_not_race_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            long M()
            {
                long count = 0;
                Scope.Run(scope =>
                {
                    void StartOne() => scope.Spawn(() => count++);
                    StartOne();
                });
                return count;
            }
        }
        """);

    // ---- properties over fields, and objects used in called methods (SCOPE011) -----------------------------

    [Fact]
    public Task Two_threads_updating_a_property_over_a_field_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            private decimal _balance;

            public decimal Balance
            {
                get => _balance;
                set => _balance = value;
            }
        }

        class C
        {
            void M(Account account)
            {
                var a = new Thread(() => {|#0:account.Balance|} += 10);
                var b = new Thread(() => account.Balance -= 5);
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("account._balance", "work started with new Thread at line 22 (in Account.Balance)", "work started with new Thread at line 23 (in Account.Balance)", "read"));

    [Fact]
    public Task A_Random_field_used_through_a_method_by_a_parallel_loop_is_reported() => VerifyObjects.VerifyAnalyzerAsync(Usings + """
        class Dice
        {
            private readonly Random _rng = new Random(42);

            private int Roll() => _rng.Next(6);

            public int[] RollMany(int n)
            {
                var results = new int[n];
                Parallel.For(0, n, i => results[i] = {|#0:Roll()|});
                return results;
            }
        }
        """,
        VerifyObjects.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_Random_field_used_through_a_locked_method_by_a_parallel_loop_is_not_reported() => VerifyObjects.VerifyAnalyzerAsync(Usings + """
        class Dice
        {
            private readonly Random _rng = new Random(42);

            private int Roll()
            {
                lock (_rng)
                {
                    return _rng.Next(6);
                }
            }

            public int[] RollMany(int n)
            {
                var results = new int[n];
                Parallel.For(0, n, i => results[i] = Roll());
                return results;
            }
        }
        """);

    // ---- methods in other files ----------------------------------------------------------------------------

    private const string AccountFile = """
        public class Account
        {
            private decimal _balance;
            private readonly object _gate = new object();

            public void Deposit(decimal amount) => _balance += amount;

            public void SafeDeposit(decimal amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                }
            }

            public void Run() => _balance += 1;
        }
        """;

    [Fact]
    public Task Two_threads_calling_a_method_declared_in_another_file_race() => new Verify.Test
    {
        TestCode = Usings + """
            class C
            {
                void M(Account account)
                {
                    var a = new Thread(() => {|#0:account.Deposit(10)|});
                    var b = new Thread(() => {|#1:account.Deposit(5)|});
                    var c = new Thread({|#2:account.Run|});
                    a.Start(); b.Start(); c.Start();
                    a.Join(); b.Join(); c.Join();
                }
            }
            """,
        TestSources = { AccountFile },
        ExpectedDiagnostics =
        {
            Verify.Diagnostic("SCOPE010").WithLocation(0),
            Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("account._balance", "work started with new Thread at line 12 (in Account.Deposit)", "work started with new Thread at line 13 (in Account.Run)", "also write"),
            Verify.Diagnostic("SCOPE010").WithLocation(2),
        },
    }.RunAsync();

    [Fact]
    public Task Two_threads_calling_a_locked_method_declared_in_another_file_do_not_race() => new Verify.Test
    {
        TestCode = Usings + """
            class C
            {
                void M(Account account)
                {
                    var a = new Thread(() => account.SafeDeposit(10));
                    var b = new Thread(() => account.SafeDeposit(5));
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """,
        TestSources = { AccountFile },
    }.RunAsync();

    [Fact]
    public Task Two_threads_running_a_method_group_declared_in_another_file_race() => new Verify.Test
    {
        TestCode = Usings + """
            class C
            {
                void M(Account account)
                {
                    var a = new Thread({|#0:account.Run|});
                    var b = new Thread(account.Run);
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """,
        TestSources = { AccountFile },
        ExpectedDiagnostics = { Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("account._balance", "work started with new Thread at line 11 (in Account.Run)", "work started with new Thread at line 12 (in Account.Run)", "also write") },
    }.RunAsync();

    // ---- per-thread statics and primary-constructor parameters -------------------------------------------------

    [Fact]
    public Task A_thread_static_field_written_by_two_tasks_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            [ThreadStatic]
            private static int t_depth;

            void M()
            {
                var a = Task.Run(() => t_depth++);
                var b = Task.Run(() => t_depth++);
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task A_list_in_a_thread_static_field_is_each_thread_s_own_but_a_plain_static_list_is_shared() => Verify.VerifyAnalyzerAsync(Usings + """
        class Buffers
        {
            [ThreadStatic]
            private static List<int> t_scratch;

            private static List<int> s_all = new List<int>();

            public static void Fill()
            {
                Parallel.For(0, 100, i =>
                {
                    (t_scratch ??= new List<int>()).Add(i);
                    t_scratch.Clear();
                });
                Parallel.For(0, 100, i => {|#0:s_all|}.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("s_all", "List<int>", "work started with Parallel.For at line 21", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_primary_constructor_parameter_written_by_two_tasks_races_as_a_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client(int retries)
        {
            public void Run()
            {
                var a = Task.Run(() => {|#0:retries|}--);
                var b = Task.Run(() => retries--);
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("retries", "work started with Task.Run at line 11", "work started with Task.Run at line 12", "also write"));

    [Fact]
    public Task A_primary_constructor_parameter_only_read_by_two_tasks_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client(Action<string> received, int port)
        {
            public void Run()
            {
                var a = Task.Run(() => received(port.ToString()));
                var b = Task.Run(() => received((port + 1).ToString()));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task Runs_that_mutate_under_a_lock_and_read_without_it_name_the_read() => VerifyObjects.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] items)
            {
                var seen = new List<int>();
                Parallel.For(0, items.Length, i =>
                {
                    lock (seen) { {|#0:seen|}.Add(i); }
                    Console.WriteLine(seen.Count);
                });
            }
        }
        """,
        VerifyObjects.Diagnostic("SCOPE011").WithLocation(0).WithArguments("seen", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "read"));

    // ---- lazy initialisation of a reference (StackExchange.Redis ConfigurationOptions.Defaults) ----------------

    [Fact]
    public Task A_reference_lazily_initialised_with_coalesce_assignment_by_parallel_runs_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Options
        {
            private object _defaults;

            public object Defaults => _defaults ??= new object();

            public void Warm(int[] items) => Parallel.For(0, items.Length, i => Console.WriteLine(Defaults));
        }
        """);

    [Fact]
    public Task A_reference_reset_by_one_run_while_others_initialise_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Options
        {
            private object _defaults;

            public void Warm(int[] items) => Parallel.For(0, items.Length, i =>
            {
                {|#0:_defaults|} ??= new object();
                if (i == 0) _defaults = null;
            });
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_lock_object_created_once_with_CompareExchange_against_null_does_not_race_with_its_reads() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pool
        {
            private static object _monitor;

            public void Wait(int[] items) => Parallel.For(0, items.Length, i =>
            {
                Interlocked.CompareExchange(ref _monitor, new object(), null);
                lock (_monitor)
                {
                    Monitor.Wait(_monitor, 1);
                }
            });
        }
        """);

    [Fact]
    public Task A_reference_swapped_with_Exchange_races_with_its_plain_reads() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pool
        {
            private static object _monitor;

            public void Wait(int[] items) => Parallel.For(0, items.Length, i =>
            {
                Interlocked.Exchange(ref {|#0:_monitor|}, new object());
                Console.WriteLine(_monitor);
            });
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_cache_filled_with_LazyInitializer_by_parallel_runs_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Options
        {
            private List<int> _cache;

            public void Warm(int[] items) => Parallel.For(0, items.Length, i =>
            {
                var cache = LazyInitializer.EnsureInitialized(ref _cache, () => new List<int> { 1 });
                Console.WriteLine(_cache.Count + cache.Count);
            });
        }
        """);

    // ---- Unsafe address arithmetic -------------------------------------------------------------------------

    [Fact]
    public Task Unsafe_Add_only_reading_through_the_address_does_not_write_the_field() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Runtime.CompilerServices;

        class Buffer
        {
            private int _first;

            public int Read()
            {
                var task = Task.Run(() => Console.WriteLine(Unsafe.Add(ref _first, 0)));
                var seen = _first;
                task.Wait();
                return seen;
            }
        }
        """);

    [Fact]
    public Task Unsafe_Add_written_through_races_with_a_read() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Runtime.CompilerServices;

        class Buffer
        {
            private int _first;

            public int Read()
            {
                var task = Task.Run(() => Unsafe.Add(ref {|#0:_first|}, 0) = 1);
                var seen = _first;
                task.Wait();
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // ---- members of struct places, and properties without a field ----------------------------------------

    [Fact]
    public Task Threads_updating_members_of_a_struct_field_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Statistics
        {
            private struct Counts
            {
                public long Sent;
                public long Received;
            }

            private Counts _counts;

            public void Run()
            {
                var a = new Thread(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref _counts.Sent); });
                var b = new Thread(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref _counts.Received); });
                a.Start(); b.Start();
                a.Join(); b.Join();
                Volatile.Write(ref _counts.Sent, 0);
            }
        }
        """);

    [Fact]
    public Task A_plain_update_of_a_struct_member_beside_an_Interlocked_one_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Statistics
        {
            private struct Counts
            {
                public long Sent;
                public long Received;
            }

            private Counts _counts;

            public void Run()
            {
                var a = new Thread(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref {|#0:_counts|}.Sent); });
                var b = new Thread(() => { for (var i = 0; i < 1000; i++) _counts.Sent++; });
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_counts", "work started with new Thread at line 19", "work started with new Thread at line 20", "also write"));

    [Fact]
    public Task Setting_a_property_of_an_interface_from_two_threads_is_not_a_field_race() => Verify.VerifyAnalyzerAsync(Usings + """
        interface IFrameHandler
        {
            TimeSpan ReadTimeout { set; }
        }

        abstract class Handler
        {
            public abstract int Retries { get; set; }
        }

        class Connection
        {
            private readonly IFrameHandler _frames;
            private readonly Handler _handler;

            public Connection(IFrameHandler frames, Handler handler) { _frames = frames; _handler = handler; }

            public void Open()
            {
                var loop = new Thread(() => { _frames.ReadTimeout = default; _handler.Retries = 0; });
                loop.Start();
                _frames.ReadTimeout = TimeSpan.FromSeconds(10);
                _handler.Retries = 3;
                loop.Join();
            }
        }
        """);

    [Fact]
    public Task Setting_an_auto_property_of_a_class_from_two_threads_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class FrameHandler
        {
            public TimeSpan ReadTimeout { get; set; }
        }

        class Connection
        {
            private readonly FrameHandler _frames = new FrameHandler();

            public void Open()
            {
                var loop = new Thread(() => {|#0:_frames.ReadTimeout|} = default);
                loop.Start();
                _frames.ReadTimeout = TimeSpan.FromSeconds(10);
                loop.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));
    [Fact]
    public Task Work_filling_objects_it_creates_with_initialisers_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Result
        {
            public string Topic = "";
            public int Partition;
        }

        record Entry(string Topic, int Partition);

        class Poller
        {
            public string Topic = "";

            public void Poll(Func<(string, int)> next, Action<object> deliver)
            {
                while (true)
                {
                    var (topic, partition) = next();
                    Task.Run(() => deliver(new Result { Topic = topic, Partition = partition }));
                    Task.Run(() => deliver(new Entry(topic, 0) with { Partition = partition }));
                    Task.Run(() => deliver(new Result { Topic = topic } is { Partition: 0 }));
                }
            }
        }
        """);

    [Fact]
    public Task Work_in_a_loop_writing_a_field_of_this_beside_an_initialiser_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Result
        {
            public string Topic = "";
        }

        class Poller
        {
            public string Topic = "";

            public void Poll(Func<string> next, Action<object> deliver)
            {
                while (true)
                {
                    var topic = next();
                    Task.Run(() => deliver(new Result { Topic = {|#0:Topic|} = topic }));
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));
    // ---- work that waits for a later start, stored by the statement that creates it --------------------------

    [Fact]
    public Task A_paused_timer_stored_in_a_field_does_not_race_with_that_store() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private readonly Timer _timer;
            private readonly Timer _other;
            private int _interval = 100;

            public Pump()
            {
                _timer = new Timer(Tick, null, Timeout.Infinite, Timeout.Infinite);
                _other = new Timer(_ => _other!.Change(_interval, Timeout.Infinite), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            public void Start() => _timer.Change(0, Timeout.Infinite);

            private void Tick(object? state) => _timer.Change(_interval, Timeout.Infinite);
        }
        """);

    [Fact]
    public Task A_timer_due_at_once_races_with_the_store_of_its_handle_and_with_later_writes() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private Timer? _timer;
            private int _interval;

            public Pump()
            {
                _timer = new Timer(_ => {|#0:_timer|}!.Change({|#1:_interval|}, Timeout.Infinite), null, 0, Timeout.Infinite);
                _interval = 100;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0),
        Verify.Diagnostic("SCOPE010").WithLocation(1));

    [Fact]
    public Task A_paused_timer_still_races_with_writes_after_the_statement_that_stores_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private readonly Timer _timer;
            private int _interval;

            public Pump()
            {
                _timer = new Timer(_ => _timer.Change({|#0:_interval|}, Timeout.Infinite), null, Timeout.Infinite, Timeout.Infinite);
                Arm();
                _interval = 100;
            }

            private void Arm() => _timer.Change(0, Timeout.Infinite);
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // MySqlConnector's TimerQueue: the constructor creates the timer paused and fills the list after it; only Add,
    // called once the object exists, arms the timer.
    [Fact]
    public Task A_paused_timer_that_the_constructor_never_arms_does_not_race_with_the_rest_of_the_constructor() => Verify.VerifyAnalyzerAsync(Usings + """
        class TimerQueue
        {
            private readonly object _lock = new object();
            private readonly Timer _timer;
            private List<Action> _actions;

            public TimerQueue()
            {
                _timer = new Timer(Callback, null, -1, -1);
                _actions = new List<Action>();
            }

            public void Add(Action action)
            {
                lock (_lock)
                {
                    _actions.Add(action);
                    _timer.Change(100, -1);
                }
            }

            private void Callback(object? state)
            {
                lock (_lock) _actions.Clear();
            }
        }
        """);

    // Outside a constructor another thread may arm the timer through the object as soon as it is stored.
    [Fact]
    public Task A_paused_timer_stored_by_a_method_still_races_with_writes_after_the_store() => Verify.VerifyAnalyzerAsync(Usings + """
        class TimerQueue
        {
            private readonly object _lock = new object();
            private Timer? _timer;
            private List<Action>? _actions;

            public void Init()
            {
                _timer = new Timer({|#0:Callback|}, null, -1, -1);
                _actions = new List<Action>();
            }

            public void Add(Action action)
            {
                lock (_lock)
                {
                    _actions!.Add(action);
                    _timer!.Change(100, -1);
                }
            }

            private void Callback(object? state)
            {
                lock (_lock) _actions!.Clear();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // ---- members that refuse to run once the work exists --------------------------------------------------------

    // grpc's PollingResolver: Refresh starts the work only once Start has stored the listener, and Start throws when
    // it is stored. MySqlConnector's data source: the password setter throws when a provider (whose work writes the
    // password) is configured; the getter still races.
    [Fact]
    public Task A_member_that_throws_once_the_field_the_work_needs_is_set_does_not_race_with_the_work() => Verify.VerifyAnalyzerAsync(Usings + """
        class Resolver
        {
            private readonly object _lock = new object();
            private Action<int>? _listener;
            private Task _resolveTask = Task.CompletedTask;

            public void Start(Action<int> listener)
            {
                if (_listener != null)
                {
                    throw new InvalidOperationException("Resolver has already been started.");
                }

                _listener = result => listener(result);
            }

            public void Refresh()
            {
                if (_listener == null)
                {
                    throw new InvalidOperationException("Resolver hasn't been started.");
                }

                lock (_lock)
                {
                    _resolveTask = Task.Run(() => _listener(1));
                }
            }
        }

        class DataSource
        {
            private readonly Func<string>? _provider;
            private string? _password;
            private readonly Task? _initial;

            public DataSource(Func<string>? provider)
            {
                if (provider is not null)
                {
                    _provider = provider;
                    _initial = Task.Run(() => { {|#0:_password|} = _provider(); });
                }
            }

            public string Password
            {
                set
                {
                    if (_provider is not null)
                        throw new InvalidOperationException("Cannot set Password when a provider is configured.");
                    _password = value;
                }
            }

            public string? Current => _password;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_password", "work started with Task.Run at line 48", "DataSource.Current at line 62", "read"));

    [Fact]
    public Task A_member_whose_guard_field_is_cleared_elsewhere_or_whose_work_starts_unguarded_still_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cleared
        {
            private Action<int>? _listener;
            private Task _resolveTask = Task.CompletedTask;

            public void Start(Action<int> listener)
            {
                if (_listener != null) throw new InvalidOperationException();
                _listener = result => listener(result);
            }

            public void Stop() => _listener = null;

            public void Refresh()
            {
                if (_listener == null) throw new InvalidOperationException();
                _resolveTask = Task.Run(() => {|#0:_listener|}(1));
            }
        }

        class Unguarded
        {
            private Action<int>? _listener;
            private Task _resolveTask = Task.CompletedTask;

            public void Start(Action<int> listener)
            {
                if (_listener != null) throw new InvalidOperationException();
                _listener = result => listener(result);
            }

            public void Refresh() => _resolveTask = Task.Run(() => {|#1:_listener|}?.Invoke(1));
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_listener", "Cleared.Start at line 15", "work started with Task.Run at line 23", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_listener", "Unguarded.Start at line 35", "work started with Task.Run at line 38", "read"));

    [Fact]
    public Task A_thread_stored_in_a_field_and_started_elsewhere_does_not_race_with_that_store() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private Thread? _thread;

            public void Create() => _thread = new Thread(Loop);

            public void Start() => _thread!.Start();

            private void Loop()
            {
                Console.WriteLine(_thread!.ManagedThreadId);
            }
        }
        """);
    // ---- locks entered and exited without try/finally, and spawns the compiler proves dead ------------------

    [Fact]
    public Task A_lock_entered_and_exited_without_try_finally_still_excludes() => Verify.VerifyAnalyzerAsync(Usings + """
        class Buffer
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly object _gate = new object();
            private int? _content;
            private int _version;

            public void Put(int item)
            {
                Monitor.Enter(_gate);
                while (_content != null) Monitor.Wait(_gate);
                _content = item;
                Monitor.PulseAll(_gate);
                Monitor.Exit(_gate);
            }

            public void Run()
            {
                var a = new Thread(() => { for (var k = 0; k < 10; k++) Put(k); });
                var b = new Thread(() => { for (var k = 0; k < 10; k++) Put(k); });
                var c = new Thread(() =>
                {
                    _rw.EnterReadLock();
                    Console.WriteLine(_version);
                    _rw.ExitReadLock();
                    _rw.EnterWriteLock();
                    _version++;
                    _rw.ExitWriteLock();
                });
                var d = new Thread(() => { _rw.EnterWriteLock(); _version = 0; _rw.ExitWriteLock(); });
                a.Start(); b.Start(); c.Start(); d.Start();
                a.Join(); b.Join(); c.Join(); d.Join();
            }
        }
        """);

    [Theory]
    [InlineData("Monitor.Enter(_gate); _count++; Monitor.Exit(_gate); {|#0:_count|}++;")]
    [InlineData("Monitor.Enter(_gate); if (_count > 0) { Monitor.Exit(_gate); {|#0:_count|}--; }")]
    [InlineData("Monitor.Enter(_gate); for (var i = 0; i < 2; i++) { {|#0:_count|} += 2; Monitor.Exit(_gate); }")]
    [InlineData("Monitor.Enter(_gate); try { _count++; } finally { Monitor.Exit(_gate); {|#0:_count|}++; }")]
    public Task An_access_after_the_exit_of_a_straight_line_lock_races(string work) => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private readonly object _gate = new object();
            private int _count;

            public void Run()
            {
                var a = new Thread(() => { WORK });
                var b = new Thread(() => { Monitor.Enter(_gate); _count++; Monitor.Exit(_gate); });
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        """.Replace("WORK", work),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task Work_started_where_the_compiler_proves_the_code_unreachable_is_not_compared() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _count;

            public void Run()
            {
                if (false && Flag())
                {
                    Task.Run(() => _count++);
                    _count++;
                }
            }

            public void Fail()
            {
                try { throw new InvalidOperationException(); } finally { Console.WriteLine("done"); }
                {|CS0162:Task|}.Run(() => _count++);
                _count++;
            }

            private static bool Flag() => true;
        }
        """);
    [Fact]
    public Task A_thread_or_timer_stored_in_a_field_starts_where_the_method_starts_it_through_that_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class WorkItem
        {
            private Thread? _thread;
            private Timer? _timer;
            private int _state;
            private int _ticks;

            public void RunOnSeparateThread(bool supported)
            {
                _thread = new Thread({|#0:Start|}) { Name = "worker" };
                if (!supported)
                {
                    _state = 3;
                    return;
                }

                _thread.Start();
                _state = 2;
            }

            public void Arm()
            {
                _timer = new Timer(_ => {|#1:_ticks|}++, null, Timeout.Infinite, Timeout.Infinite);
                _ticks = 0;
                _timer.Change(Timeout.Infinite, 0);
                _ticks = 1;
                _timer.Change(10, Timeout.Infinite);
                _ticks = 2;
            }

            private void Start() => _state = 1;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_state", "work started with new Thread at line 16 (in WorkItem.Start)", "the method at line 24", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_ticks", "work started with new Timer at line 29", "the method at line 34", "also write"));

    [Fact]
    public Task The_method_writing_after_it_joins_a_thread_held_in_a_field_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Job
        {
            private Thread _thread;
            private int _result;

            public int Run()
            {
                _thread = new Thread(() => _result = 42);
                _thread.Start();
                _thread.Join();
                _result++;
                return _result;
            }
        }
        """);

    [Fact]
    public Task The_method_writing_after_it_awaits_a_task_held_in_a_field_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Job
        {
            private Task _task;
            private int _result;

            public async Task<int> RunAsync()
            {
                _task = new Task(() => _result = 42);
                _task.Start();
                await _task.ConfigureAwait(false);
                _result++;
                return _result;
            }
        }
        """);

    // ---- a project method that only starts its delegate ---------------------------------------------------------

    // A helper that hands its delegate to new Thread and waits for nothing starts work as new Thread does, so the
    // threads it starts race like any other. Twins: a helper that joins its thread, and one that also runs the delegate
    // itself, start nothing that outlives the call.
    [Fact]
    public Task A_helper_that_only_starts_its_delegate_on_a_thread_starts_work() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class Fx
        {
            public static void StartThread(ThreadStart start) => new Thread(start).Start();

            public static void RunOnThread(Action work)
            {
                var thread = new Thread(() => work());
                thread.Start();
                thread.Join();
            }

            public static void RunHere(Action work)
            {
                ThreadPool.QueueUserWorkItem(_ => work());
                work();
            }

            // Its mark says what it does, whatever its body looks like.
            public static void Fork([StructuredWork] Action work) => new Thread(() => work()).Start();
        }

        class Client
        {
            private bool _running;
            private int _received;

            public void Connect()
            {
                _running = true;
                Fx.StartThread({|#0:ReceiveLoop|});
                _received = 0;
            }

            public void Poll()
            {
                Fx.RunOnThread(Receive);
                Fx.RunHere(Receive);
                Fx.Fork(Receive);
                _received = 0;
            }

            private void ReceiveLoop()
            {
                while (_running)
                {
                    _received++;
                }
            }

            private void Receive() => _received++;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_received", "work started with Fx.StartThread at line 36 (in Client.ReceiveLoop)", "the method at line 37", "also write"));

    // The lock held where work started as a method is started stays with the starting thread: three starts under the
    // lock still run three SpinUps at once. The twin's SpinUp takes the lock itself.
    [Fact]
    public Task A_lock_around_the_start_of_work_run_by_method_group_is_not_held_by_the_work() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Connection
        {
            private readonly object _mu = new object();
            private readonly List<Thread> _watchers = new List<Thread>(2);

            public void Connect()
            {
                for (var i = 0; i < 3; i++)
                {
                    lock (_mu)
                    {
                        Task.Factory.StartNew({|#0:SpinUp|}, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    }
                }
            }

            private void SpinUp()
            {
                var t = new Thread(() => { });
                t.Start();
                _watchers.Add(t);
            }
        }

        class Session
        {
            private readonly object _mu = new object();
            private readonly List<Thread> _watchers = new List<Thread>(2);

            public void Connect()
            {
                for (var i = 0; i < 3; i++)
                {
                    Task.Factory.StartNew(SpinUp, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                }
            }

            private void SpinUp()
            {
                var t = new Thread(() => { });
                t.Start();
                lock (_mu)
                {
                    _watchers.Add(t);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_watchers", "List<Thread>", "work started with Task.Factory.StartNew at line 18 (in Connection.SpinUp)", "another run of the same work", "also mutate"));

    // The argument of a thread's Start call is read before the thread starts: the token the work clears at its end is
    // read for Start, not beside the work. The twin reads it again after the start.
    [Fact]
    public Task The_argument_of_a_thread_s_Start_call_is_read_before_the_thread_runs() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Collector
        {
            private Thread _thread;
            private CancellationTokenSource _cancellation;

            public void Start()
            {
                _thread = new Thread(new ParameterizedThreadStart(Collect)) { IsBackground = true };
                _cancellation = new CancellationTokenSource();
                _thread.Start(_cancellation.Token);
            }

            private void Collect(object state)
            {
                var token = (CancellationToken)state;
                while (!token.IsCancellationRequested)
                {
                    Thread.Sleep(10);
                }

                _cancellation = null;
            }
        }

        class Sampler
        {
            private Thread _thread;
            private CancellationTokenSource _cancellation;

            public void Start()
            {
                _thread = new Thread(new ParameterizedThreadStart({|#0:Collect|})) { IsBackground = true };
                _cancellation = new CancellationTokenSource();
                _thread.Start(_cancellation.Token);
                _cancellation.CancelAfter(1000);
            }

            private void Collect(object state)
            {
                Thread.Sleep(10);
                _cancellation = null;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_cancellation", "work started with new Thread at line 38 (in Sampler.Collect)", "the method at line 41", "read"));

    // A helper around a periodic timer starts work that may run again while it runs, as the timer does; one around a
    // timer that fires once does not.
    [Fact]
    public Task A_helper_around_a_periodic_timer_starts_work_that_overlaps_itself() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class Timers
        {
            public static Timer Every(TimerCallback tick, int period) => new Timer(tick, null, period, period);

            public static Timer Once(TimerCallback tick, int due) => new Timer(tick, null, due, Timeout.Infinite);
        }

        class Poller
        {
            private int _polls;
            private Timer _timer;

            public void Start() => _timer = Timers.Every({|#0:Poll|}, 100);

            private void Poll(object state) => _polls++;
        }

        class Reminder
        {
            private int _reminded;
            private Timer _timer;

            public void Start() => _timer = Timers.Once(Remind, 100);

            private void Remind(object state) => _reminded++;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_polls", "work started with Timers.Every at line 19 (in Poller.Poll)", "another run of the same work", "also write"));

    // An element of an array reached through an element (a jagged array's row, a row object's cells) is told apart by
    // the outer index too: each thread marks the cells of its own row. Twins: every thread marks row 0, and the rows of
    // one shared object.
    [Fact]
    public Task Each_thread_writing_the_cells_of_its_own_row_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Row
        {
            public bool[] Cells = new bool[100];
        }

        class Marks
        {
            public void OwnRows(bool[][] seen, Row[] rows)
            {
                var tasks = new List<Task>();
                for (var t = 0; t < seen.Length; t++)
                {
                    var thread = t;
                    tasks.Add(Task.Run(() =>
                    {
                        for (var key = 0; key < 100; key++)
                        {
                            seen[thread][key] = true;
                            rows[thread].Cells[key] = true;
                        }
                    }));
                }

                Task.WaitAll(tasks.ToArray());
            }

            public void SharedRow(bool[][] seen, Row[] rows)
            {
                var tasks = new List<Task>();
                for (var t = 0; t < seen.Length; t++)
                {
                    tasks.Add(Task.Run(() =>
                    {
                        for (var key = 0; key < 100; key++)
                        {
                            {|#0:seen[0][key]|} = true;
                        }
                    }));
                }

                Task.WaitAll(tasks.ToArray());
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("seen[][]", "work started with Task.Run at line 38", "another run of the same work", "also write"));
}
