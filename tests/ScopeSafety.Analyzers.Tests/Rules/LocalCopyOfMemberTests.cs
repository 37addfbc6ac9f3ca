using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE011 through a local the work sets from a member that always holds one object (<c>var items = _items;
/// items.Add(x);</c>): the member's object under another name. Each hazard beside the twin that must stay silent. The
/// class starts at line 7.
/// </summary>
public class LocalCopyOfMemberTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_parallel_loop_adding_through_a_local_copy_of_the_field_races_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Collector
        {
            private List<int> _items = new List<int>();

            public void Run() => Parallel.For(0, 10, i => { var items = _items; {|#0:items|}.Add(i); });
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<int>", "work started with Parallel.For at line 11", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_copy_mutated_under_a_lock_in_every_run_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Collector
        {
            private readonly object _gate = new object();
            private readonly List<int> _items = new List<int>();

            public void Run() => Parallel.For(0, 10, i => { lock (_gate) { var items = _items; items.Add(i); } });
        }
        """);

    [Fact]
    public Task A_thread_draining_a_copy_of_the_queue_races_with_a_member_that_fills_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Mailbox
        {
            private readonly Queue<int> _queue = new Queue<int>();

            public void Start() => new Thread(() =>
            {
                var queue = _queue;
                while (true)
                {
                    if ({|#0:queue|}.Count > 0)
                    {
                        queue.Dequeue();
                    }
                }
            }).Start();

            public void Post(int value) => _queue.Enqueue(value);
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_queue", "Queue<int>", "Mailbox.Post at line 23", "work started with new Thread at line 11", "read"));

    [Fact]
    public Task A_copy_of_a_buffer_that_another_member_swaps_for_a_new_one_is_not_the_members_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batcher
        {
            private readonly object _gate = new object();
            private List<int> _pending = new List<int>();

            public void Add(int value)
            {
                lock (_gate)
                {
                    _pending.Add(value);
                }
            }

            public void Start() => Task.Run(() =>
            {
                while (true)
                {
                    List<int> batch;
                    lock (_gate)
                    {
                        batch = _pending;
                        _pending = new List<int>();
                    }

                    batch.Sort();
                }
            });
        }
        """);

    [Fact]
    public Task A_copy_of_another_objects_member_made_in_a_called_method_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Account
        {
            public readonly List<int> Entries = new List<int>();
        }

        class Ledger
        {
            public void Run(Account account) => Parallel.For(0, 10, i => {|#0:Record(account, i)|});

            private static void Record(Account account, int entry)
            {
                var entries = account.Entries;
                entries.Add(entry);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("account.Entries", "List<int>", "work started with Parallel.For at line 14 (in Ledger.Record)", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_copy_of_a_concurrent_dictionary_does_not_race() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.ConcurrentUsings + """
        class Counter
        {
            private readonly ConcurrentDictionary<int, int> _counts = new ConcurrentDictionary<int, int>();

            public void Run() => Parallel.For(0, 10, i => { var counts = _counts; counts.TryAdd(i, 1); });
        }
        """);

    [Fact]
    public Task A_copy_of_a_field_set_again_through_this_is_left_out_like_a_swapped_buffer() => Verify.VerifyAnalyzerAsync(Usings + """
        class Collector
        {
            private List<int> _items = new List<int>();

            public void Reset() => this._items = new List<int>();

            public void Run() => Parallel.For(0, 10, i => { var items = _items; items.Add(i); });
        }
        """);

    [Fact]
    public Task A_buffer_taken_out_with_Interlocked_Exchange_races_with_a_member_that_adds_to_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batcher
        {
            private List<int> _pending = new List<int>();

            public void Add(int value) => _pending.Add(value);

            public void Start() => Task.Run(() =>
            {
                while (true)
                {
                    var batch = Interlocked.Exchange(ref _pending, new List<int>());
                    foreach (var value in {|#0:batch|})
                    {
                        Console.WriteLine(value);
                    }
                }
            });
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_pending", "List<int>", "Batcher.Add at line 11", "work started with Task.Run at line 13", "read"));

    [Fact]
    public Task A_buffer_exchanged_outside_the_lock_its_producers_take_still_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batcher
        {
            private readonly object _gate = new object();
            private List<int> _pending = new List<int>();

            public void Add(int value)
            {
                lock (_gate)
                {
                    _pending.Add(value);
                }
            }

            public void Start() => Task.Run(() =>
            {
                while (true)
                {
                    var batch = Interlocked.Exchange(ref _pending, new List<int>());
                    {|#0:batch|}.Sort();
                }
            });
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_pending", "List<int>", "work started with Task.Run at line 20", "Batcher.Add at line 16", "also mutate"));

    [Fact]
    public Task A_buffer_exchanged_under_the_lock_its_producers_take_is_not_the_members_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batcher
        {
            private readonly object _gate = new object();
            private List<int> _pending = new List<int>();

            public void Add(int value)
            {
                lock (_gate)
                {
                    _pending.Add(value);
                }
            }

            public void Start() => Task.Run(() =>
            {
                while (true)
                {
                    List<int> batch;
                    lock (_gate)
                    {
                        batch = Interlocked.Exchange(ref _pending, new List<int>());
                    }

                    batch.Sort();
                }
            });
        }
        """);

    [Fact]
    public Task A_concurrent_queue_taken_out_with_Interlocked_Exchange_does_not_race() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.ConcurrentUsings + """
        class Batcher
        {
            private ConcurrentQueue<int> _pending = new ConcurrentQueue<int>();

            public void Add(int value) => _pending.Enqueue(value);

            public void Start() => Task.Run(() =>
            {
                while (true)
                {
                    var batch = Interlocked.Exchange(ref _pending, new ConcurrentQueue<int>());
                    while (batch.TryDequeue(out var value))
                    {
                        Console.WriteLine(value);
                    }
                }
            });
        }
        """);

    [Fact]
    public Task No_lock_fix_for_a_buffer_that_is_swapped() =>
        Verifiers.CSharpCodeFixVerifier<ConcurrentAccessAnalyzer, CodeFixes.LockSharedObjectFixer>.VerifyCodeFixAsync(Swapped, Swapped);

    // Locking the field's object would lock a different object after every swap: the lock fix is for objects that stay.
    private const string Swapped = Usings + """
        class Batcher
        {
            private List<int> _pending = new List<int>();

            public void Add(int value) => _pending.Add(value);

            public void Start() => Task.Run(() =>
            {
                while (true)
                {
                    var batch = Interlocked.Exchange(ref _pending, new List<int>());
                    {|SCOPE011:batch|}.Sort();
                }
            });
        }
        """;
}
