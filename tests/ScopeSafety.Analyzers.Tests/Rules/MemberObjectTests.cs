using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE011 on an object that is not thread-safe held in a field of a shared object (<c>buffer.elements</c>): used by
/// the work directly or inside the methods of the holder it calls. Each hazard beside the twin that must stay silent.
/// The holder class starts at line 7.
/// </summary>
public class MemberObjectTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    private const string Buffer = """
        class Buffer
        {
            private readonly Queue<int> _elements = new Queue<int>();
            private readonly object _gate = new object();

            public void Put(int item) => _elements.Enqueue(item);

            public int Take() => _elements.Dequeue();

            public void PutLocked(int item)
            {
                lock (_gate)
                {
                    _elements.Enqueue(item);
                }
            }

            public int TakeLocked()
            {
                lock (_gate)
                {
                    return _elements.Dequeue();
                }
            }
        }

        """;

    [Fact]
    public Task A_producer_and_a_consumer_thread_of_one_buffer_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M(Buffer buffer)
            {
                var producer = new Thread(() => {|#0:buffer.Put(1)|});
                var consumer = new Thread(() => buffer.Take());
                producer.Start();
                consumer.Start();
                producer.Join();
                consumer.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("buffer._elements", "Queue<int>", "work started with new Thread at line 36 (in Buffer.Put)", "work started with new Thread at line 37 (in Buffer.Take)", "also mutate"));

    [Fact]
    public Task A_producer_and_a_consumer_that_lock_inside_the_buffer_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M(Buffer buffer)
            {
                var producer = new Thread(() => buffer.PutLocked(1));
                var consumer = new Thread(() => buffer.TakeLocked());
                producer.Start();
                consumer.Start();
                producer.Join();
                consumer.Join();
            }
        }
        """);

    [Fact]
    public Task Each_task_with_a_buffer_of_its_own_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M()
            {
                var a = Task.Run(() => { var own = new Buffer(); own.Put(1); return own.Take(); });
                var b = Task.Run(() => { var own = new Buffer(); own.Put(2); return own.Take(); });
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task Parallel_runs_adding_to_a_list_held_by_a_shared_object_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Report
        {
            public List<string> Lines = new List<string>();
        }

        class C
        {
            void M(Report report, string[] names)
            {
                Parallel.ForEach(names, name => {|#0:report.Lines|}.Add(name));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("report.Lines", "List<string>", "work started with Parallel.ForEach at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task Parallel_runs_adding_to_a_concurrent_bag_held_by_a_shared_object_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Report
        {
            public System.Collections.Concurrent.ConcurrentBag<string> Lines = new System.Collections.Concurrent.ConcurrentBag<string>();
        }

        class C
        {
            void M(Report report, string[] names)
            {
                Parallel.ForEach(names, name => report.Lines.Add(name));
            }
        }
        """);

    [Fact]
    public Task A_task_filling_a_dictionary_of_a_shared_object_races_with_the_method_reading_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            public readonly Dictionary<string, int> Entries = new Dictionary<string, int>();
        }

        class C
        {
            int M(Cache cache)
            {
                var task = Task.Run(() => {|#0:cache.Entries|}["a"] = 1);
                var seen = cache.Entries.Count;
                task.Wait();
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("cache.Entries", "Dictionary<string, int>", "work started with Task.Run at line 16", "the method at line 17", "read"));

    [Fact]
    public Task A_task_filling_a_dictionary_of_a_shared_object_before_the_method_reads_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            public readonly Dictionary<string, int> Entries = new Dictionary<string, int>();
        }

        class C
        {
            int M(Cache cache)
            {
                Task.Run(() => cache.Entries["a"] = 1).Wait();
                return cache.Entries.Count;
            }
        }
        """);

    [Fact]
    public Task Runs_adding_through_a_property_that_hands_out_the_list_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Report
        {
            private readonly List<string> _lines = new List<string>();

            public List<string> Lines => _lines;

            public void Fill(string[] names) => Parallel.ForEach(names, name => {|#0:Lines|}.Add(name));
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_lines", "List<string>", "work started with Parallel.ForEach at line 13", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_through_a_lazily_built_static_property_in_a_method_they_call_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Registry
        {
            private static List<string>? s_names;

            public static List<string> Names => s_names ??= new List<string>();

            public static void Add(string name) => Names.Add(name);
        }

        class C
        {
            void M() => Parallel.For(0, 10, i => {|#0:Registry.Add(i.ToString())|});
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("s_names", "List<string>", "work started with Parallel.For at line 18 (in Registry.Add)", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_through_the_property_under_the_lists_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Report
        {
            private readonly List<string> _lines = new List<string>();

            public List<string> Lines
            {
                get { return _lines; }
            }

            public void Fill(string[] names) => Parallel.ForEach(names, name =>
            {
                lock (_lines)
                {
                    Lines.Add(name);
                }
            });
        }
        """);

    [Fact]
    public Task Runs_adding_to_a_list_the_property_makes_anew_each_time_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Report
        {
            public List<string> Lines => new List<string>();

            public void Fill(string[] names) => Parallel.ForEach(names, name => Lines.Add(name));
        }
        """);

    // ---- through a property of another object, and members of elements ------------------------------------------

    private const string Report = """
        class Report
        {
            private readonly List<string> _lines = new List<string>();

            public List<string> Lines => _lines;

            public List<string> Notes { get; } = new List<string>();

            public readonly List<string> Tags = new List<string>();
        }

        """;

    [Fact]
    public Task Runs_adding_through_the_property_of_a_shared_report_race() => Verify.VerifyAnalyzerAsync(Usings + Report + """
        class C
        {
            void M(Report report) => Parallel.For(0, 10, i => {|#0:report.Lines|}.Add(i.ToString()));
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("report._lines", "List<string>", "work started with Parallel.For at line 19", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_through_the_auto_property_of_a_shared_report_race() => Verify.VerifyAnalyzerAsync(Usings + Report + """
        class C
        {
            void M(Report report) => Parallel.For(0, 10, i => {|#0:report.Notes|}.Add(i.ToString()));
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("report.Notes", "List<string>", "work started with Parallel.For at line 19", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_through_members_of_their_own_report_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + Report + """
        class C
        {
            void M(Report[] reports) => Parallel.For(0, reports.Length, i =>
            {
                reports[i].Lines.Add("line");
                reports[i].Notes.Add("note");
                reports[i].Tags.Add("tag");
            });
        }
        """);

    [Fact]
    public Task Runs_adding_through_the_property_of_a_report_another_run_also_picks_race() => Verify.VerifyAnalyzerAsync(Usings + Report + """
        class C
        {
            void M(Report[] reports) => Parallel.For(0, 10, i => {|#0:reports[i % 2].Lines|}.Add(i.ToString()));
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("reports[]._lines", "List<string>", "work started with Parallel.For at line 19", "another run of the same work", "also mutate"));
}
