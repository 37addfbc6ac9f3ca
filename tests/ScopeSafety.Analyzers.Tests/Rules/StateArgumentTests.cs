using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE011 on an object handed to the work as state rather than captured: <c>thread.Start(list)</c>,
/// <c>ThreadPool.QueueUserWorkItem(Work, map)</c>, <c>Task.Factory.StartNew(action, names)</c>, a timer's state,
/// <c>ContinueWith(action, state)</c>. Inside the work the parameter, and a local that only holds it cast back
/// (<c>var l = (List&lt;int&gt;)o;</c>, <c>o is List&lt;int&gt; l</c>), use the host's object. Each hazard beside the twin that
/// must stay silent. The class starts at line 8.
/// </summary>
public class StateArgumentTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.ConcurrentUsings;

    [Fact]
    public Task A_list_handed_to_a_thread_and_added_to_by_both_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var list = new List<int>();
                var t = new Thread(o => { var mine = (List<int>)o!; for (var i = 0; i < 100; i++) {|#0:mine|}.Add(i); });
                t.Start(list);
                for (var i = 0; i < 100; i++) list.Add(-i);
                t.Join();
            }

            void Joined()
            {
                var list = new List<int>();
                var t = new Thread(o => { var mine = (List<int>)o!; mine.Add(1); });
                t.Start(list);
                t.Join();
                list.Add(2);
            }

            void Copied()
            {
                var list = new List<int>();
                var t = new Thread(o => ((List<int>)o!).Add(1));
                t.Start(new List<int>(list));
                list.Add(2);
                t.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with new Thread at line 13", "the method at line 15", "also mutate"));

    [Fact]
    public Task A_method_run_by_method_group_uses_the_state_it_is_handed() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly Dictionary<int, int> _cache = new Dictionary<int, int>();

            static void Fill(object? state)
            {
                if (state is Dictionary<int, int> map) {|#0:map|}[1] = 2;
            }

            void M()
            {
                ThreadPool.QueueUserWorkItem(Fill, _cache);
                _cache[3] = 4;
            }

            static void Read(object? state) => Console.WriteLine(((Dictionary<int, int>)state!).Count);

            void OnlyReads()
            {
                var map = new Dictionary<int, int> { [1] = 1 };
                ThreadPool.QueueUserWorkItem(Read, map);
                Console.WriteLine(map[1]);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_cache", "Dictionary<int, int>", "work started with ThreadPool.QueueUserWorkItem at line 19", "the method at line 20", "also mutate"));

    [Fact]
    public Task Two_items_handed_one_queue_race_unless_they_lock_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static void Add(object? state) { var q = (Queue<int>)state!; {|#0:q|}.Enqueue(1); }

            static void AddLocked(object? state) { var q = (Queue<int>)state!; lock (q) q.Enqueue(1); }

            void M()
            {
                var queue = new Queue<int>();
                ThreadPool.QueueUserWorkItem(Add, queue);
                ThreadPool.QueueUserWorkItem(Add, queue);
            }

            void Locked()
            {
                var queue = new Queue<int>();
                ThreadPool.QueueUserWorkItem(AddLocked, queue);
                ThreadPool.QueueUserWorkItem(AddLocked, queue);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("queue", "Queue<int>", "work started with ThreadPool.QueueUserWorkItem at line 17", "work started with ThreadPool.QueueUserWorkItem at line 18", "also mutate"));

    [Fact]
    public Task State_of_StartNew_a_generic_QueueUserWorkItem_and_ContinueWith_is_the_hosts_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var names = new List<string>();
                var started = Task.Factory.StartNew(s => ((List<string>){|#0:s|}!).Add("a"), names);
                names.Add("b");
                started.Wait();

                var list = new List<int>();
                ThreadPool.QueueUserWorkItem(l => {|#1:l|}.Add(1), list, preferLocal: false);
                list.Add(2);

                var results = new List<int>();
                var next = Task.Run(() => 1).ContinueWith((t, s) => ((List<int>){|#2:s|}!).Add(t.Result), results);
                results.Add(0);
                next.Wait();
            }

            void Safe()
            {
                var bag = new ConcurrentBag<int>();
                ThreadPool.QueueUserWorkItem(b => b.Add(1), bag, preferLocal: false);
                bag.Add(2);

                var list = new List<int>();
                ThreadPool.QueueUserWorkItem(o => ((List<int>)o!).Add(1), list);
                list = new List<int>();
                list.Add(2);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("names", "List<string>", "work started with Task.Factory.StartNew at line 13", "the method at line 14", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("list", "List<int>", "work started with ThreadPool.QueueUserWorkItem at line 18", "the method at line 19", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(2).WithArguments("results", "List<int>", "work started with Task.ContinueWith at line 22", "the method at line 23", "also mutate"));

    [Fact]
    public Task A_lock_on_the_state_in_the_work_is_a_lock_on_the_hosts_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static void Add(object? state) { var q = (Queue<int>)state!; lock (q) {|#0:q|}.Enqueue(1); }

            void BothLock()
            {
                var queue = new Queue<int>();
                ThreadPool.QueueUserWorkItem(Add, queue);
                lock (queue) queue.Enqueue(2);
            }

            void LambdaBothLock()
            {
                var list = new List<int>();
                var t = new Thread(o => { var l = (List<int>)o!; lock (l) l.Add(1); });
                t.Start(list);
                lock (list) list.Add(2);
                t.Join();
            }

            void OnlyTheWorkLocks()
            {
                var queue = new Queue<int>();
                ThreadPool.QueueUserWorkItem(Add, queue);
                queue.Enqueue(2);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("queue", "Queue<int>", "work started with ThreadPool.QueueUserWorkItem at line 31", "the method at line 32", "also mutate"));

    [Fact]
    public Task A_field_of_an_object_handed_as_state_is_the_hosts_objects_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Job { public int Done; }

        class C
        {
            static void Work(object? state) { ((Job)state!).Done++; }

            static void Count(object? state) { Interlocked.Increment(ref ((Job)state!).Done); }

            void M()
            {
                var job = new Job();
                var t = new Thread(o => { var j = (Job)o!; for (var i = 0; i < 100; i++) {|#0:j.Done|}++; });
                t.Start(job);
                job.Done++;
                t.Join();

                var shared = new Job();
                ThreadPool.QueueUserWorkItem({|#1:Work|}, shared);
                ThreadPool.QueueUserWorkItem(Work, shared);
            }

            void Safe()
            {
                var job = new Job();
                var t = new Thread(o => { var j = (Job)o!; j.Done++; });
                t.Start(job);
                t.Join();
                job.Done++;

                var counted = new Job();
                ThreadPool.QueueUserWorkItem(Count, counted);
                ThreadPool.QueueUserWorkItem(Count, counted);

                ThreadPool.QueueUserWorkItem(Work, new Job());
                ThreadPool.QueueUserWorkItem(Work, new Job());
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("job.Done", "work started with new Thread at line 19", "the method at line 21", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("shared.Done", "work started with ThreadPool.QueueUserWorkItem at line 25 (in C.Work)", "work started with ThreadPool.QueueUserWorkItem at line 26 (in C.Work)", "also write"));
    [Fact]
    public Task The_variable_of_a_type_pattern_on_the_state_is_the_hosts_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class Job { public int Done; }

        class C
        {
            static void Work(object? state) { if (state is Job j) j.Done++; }
            static void Guarded(object? state) { if (state is not Job j) return; lock (j) j.Done++; }
            static void Switched(object? state) { switch (state) { case List<int> l: {|#1:l|}.Add(1); break; } }

            void M()
            {
                var job = new Job();
                ThreadPool.QueueUserWorkItem({|#0:Work|}, job);
                ThreadPool.QueueUserWorkItem(Work, job);

                var locked = new Job();
                ThreadPool.QueueUserWorkItem(Guarded, locked);
                ThreadPool.QueueUserWorkItem(Guarded, locked);
            }

            void N()
            {
                var list = new List<int>();
                ThreadPool.QueueUserWorkItem(Switched, list);
                list.Add(2);
            }

            void OtherTypes()
            {
                var map = new Dictionary<int, int>();
                ThreadPool.QueueUserWorkItem(Switched, map);
                map[1] = 2;

                var names = new List<string>();
                ThreadPool.QueueUserWorkItem(Work, names);
                ThreadPool.QueueUserWorkItem(Work, names);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("job.Done", "work started with ThreadPool.QueueUserWorkItem at line 19 (in C.Work)", "work started with ThreadPool.QueueUserWorkItem at line 20 (in C.Work)", "also write"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("list", "List<int>", "work started with ThreadPool.QueueUserWorkItem at line 30", "the method at line 31", "also mutate"));
}
