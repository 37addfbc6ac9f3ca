using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A project method that starts the delegates it is given many times: every delegate of a collection parameter as work
/// of its own (a test's <c>RunConcurrently(params Action[] actions)</c>, the shape of a dynamic race detector's test
/// cases), whose arguments run at the same time as with Parallel.Invoke; or one delegate once per round of a loop
/// (<c>RunOnThreads(8, () =&gt; …)</c>), whose runs overlap each other as with Parallel.For. Each hazard beside the twin
/// that must stay silent. The class starts at line 8.
/// </summary>
public class ManyRunsHelperTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // Threads made in a Select, started, and joined with a timeout that throws: the two lambdas of one call race, and
    // each thread's own slot of the helper's array (the Select's index) is no race. Twins: a read beside a read, and
    // writes under one lock.
    [Fact]
    public Task The_delegates_given_to_a_helper_that_runs_each_on_a_thread_race_with_each_other() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Cases
        {
            public static int Shared;
            private static readonly object Gate = new object();

            public static void WriteBesideRead()
            {
                Shared = 0;
                RunConcurrently(
                    () => {|#0:Shared|} = 1,
                    () => _ = Shared);
                Console.WriteLine(Shared);
            }

            public static void ReadBesideRead()
            {
                RunConcurrently(
                    () => _ = Shared,
                    () => _ = Shared);
            }

            public static void WritesUnderOneLock()
            {
                RunConcurrently(
                    () => { lock (Gate) Shared = 1; },
                    () => { lock (Gate) Shared = 2; });
            }

            private static void RunConcurrently(params Action[] actions)
            {
                var failures = new Exception[actions.Length];
                var threads = actions.Select((action, i) => new Thread(() =>
                {
                    try
                    {
                        action();
                    }
                    catch (Exception e)
                    {
                        failures[i] = e;
                    }
                })).ToArray();

                foreach (var thread in threads)
                {
                    thread.Start();
                }

                foreach (var thread in threads)
                {
                    if (!thread.Join(TimeSpan.FromSeconds(10)))
                    {
                        throw new TimeoutException();
                    }
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Cases.Shared", "work started with Cases.RunConcurrently at line 15", "work started with Cases.RunConcurrently at line 15", "read"));

    // A foreach that hands each delegate to Task.Run and then waits for all of them, a for loop that takes each
    // delegate by its index, Parallel.Invoke and Parallel.ForEach given the array, and threads handed to a method of
    // the project that joins them: all join, so the caller's read after the call is no race; the delegates race
    // with each other. Twin: a helper that calls each delegate itself, one after the other.
    [Fact]
    public Task A_helper_that_joins_what_it_starts_orders_the_caller_after_the_call() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counters
        {
            private int _hits;

            public int Count()
            {
                Helpers.InParallel(() => {|#0:_hits|}++, () => _hits++);
                Helpers.Invoke(() => {|#1:_hits|}++, () => _hits++);
                Helpers.OneByOne(() => _hits++, () => _hits++);
                Helpers.ByIndex(() => {|#2:_hits|}++, () => _hits++);
                Helpers.WithOptions(() => {|#3:_hits|}++, () => _hits++);
                Helpers.JoinedElsewhere(() => {|#4:_hits|}++, () => _hits++);
                return _hits;
            }
        }

        static class Helpers
        {
            public static void InParallel(params Action[] actions)
            {
                var tasks = new List<Task>();
                foreach (var action in actions)
                {
                    tasks.Add(Task.Run(action));
                }

                Task.WaitAll(tasks.ToArray());
            }

            public static void Invoke(params Action[] actions) => Parallel.Invoke(actions);

            public static void ByIndex(params Action[] actions)
            {
                var tasks = new Task[actions.Length];
                for (var i = 0; i < actions.Length; i++)
                {
                    var action = actions[i];
                    tasks[i] = Task.Factory.StartNew(() => action(), TaskCreationOptions.LongRunning);
                }

                Task.WaitAll(tasks);
            }

            public static void WithOptions(params Action[] actions) =>
                Parallel.ForEach(actions, new ParallelOptions { MaxDegreeOfParallelism = actions.Length }, a => { a(); });

            public static void JoinedElsewhere(params Action[] actions) =>
                StartAndJoin(actions.Select(action => new Thread(() => action()) { IsBackground = true }).ToArray());

            private static void StartAndJoin(Thread[] threads)
            {
                foreach (var thread in threads) thread.Start();
                foreach (var thread in threads) thread.Join();
            }

            public static void OneByOne(params Action[] actions)
            {
                foreach (var action in actions)
                {
                    action();
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_hits", "work started with Helpers.InParallel at line 13", "work started with Helpers.InParallel at line 13", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_hits", "work started with Helpers.Invoke at line 14", "work started with Helpers.Invoke at line 14", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("_hits", "work started with Helpers.ByIndex at line 16", "work started with Helpers.ByIndex at line 16", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(3).WithArguments("_hits", "work started with Helpers.WithOptions at line 17", "work started with Helpers.WithOptions at line 17", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(4).WithArguments("_hits", "work started with Helpers.JoinedElsewhere at line 18", "work started with Helpers.JoinedElsewhere at line 18", "also write"));

    // A helper that starts every delegate on a thread and returns without waiting: the caller's write after the call
    // races with the work. Twins: a caller that waits on an event the work sets last, and one that awaits the task a
    // helper returns for all it started.
    [Fact]
    public Task A_helper_that_leaves_what_it_starts_running_races_with_the_caller() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private int _polls;

            public void Start()
            {
                Helpers.StartAll(() => {|#0:_polls|}++);
                _polls = 0;
            }
        }

        class WaitingPoller
        {
            private int _polls;

            public void StartAndWait()
            {
                using var done = new ManualResetEventSlim();
                Helpers.StartAll(() => { _polls++; done.Set(); });
                done.Wait();
                _polls = 0;
            }

            public async Task StartAndAwait()
            {
                await Helpers.RunAll(() => _polls++, () => Console.WriteLine());
                _polls = 0;
            }
        }

        static class Helpers
        {
            public static void StartAll(params Action[] actions)
            {
                foreach (var action in actions)
                {
                    new Thread(() => action()) { IsBackground = true }.Start();
                }
            }

            public static Task RunAll(params Action[] actions) => Task.WhenAll(actions.Select(Task.Run));
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_polls", "work started with Helpers.StartAll at line 13", "the method at line 14", "also write"));

    // The index of a Select (or the element, like a foreach variable) is each round's own: the task started in each
    // round writes its own slot. Twin: every round's task writes slot 0.
    [Fact]
    public Task The_index_of_a_Select_that_starts_work_is_each_round_s_own() => Verify.VerifyAnalyzerAsync(Usings + """
        class Squares
        {
            public int[] Own(int count)
            {
                var results = new int[count];
                Task.WaitAll(Enumerable.Range(0, count).Select(i => Task.Run(() => results[i] = i * i)).ToArray());
                return results;
            }

            public int[] OwnThroughTheIndex(string[] names)
            {
                var lengths = new int[names.Length];
                Task.WaitAll(names.Select((name, i) => Task.Run(() => lengths[i] = name.Length)).ToArray());
                return lengths;
            }

            public bool[] OwnThroughAListsForEach(List<int> ids, int count)
            {
                var seen = new bool[count];
                var tasks = new List<Task>();
                ids.ForEach(id => tasks.Add(Task.Run(() => seen[id] = true)));
                Task.WaitAll(tasks.ToArray());
                return seen;
            }

            public int[] Shared(int count)
            {
                var results = new int[count];
                Task.WaitAll(Enumerable.Range(0, count).Select(i => Task.Run(() => {|#0:results[0]|} = i * i)).ToArray());
                return results;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("results[]", "work started with Task.Run at line 35", "another run of the same work", "also write"));

    // One delegate started on a thread in each round of a loop, then joined; a Select over a range that hands it to
    // Task.Run; Parallel.For given it as the body; and one left running: each call's runs race with each other. Twins:
    // the same helpers given a delegate that counts with Interlocked, a caller that only reads, and a retry loop that
    // waits for each attempt before the next.
    [Fact]
    public Task The_delegate_given_to_a_helper_that_starts_it_in_every_round_races_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Stress
        {
            private int _count;
            private int _safe;

            public void Hammer()
            {
                Helpers.OnThreads(4, () => {|#0:_count|}++);
                Helpers.OnTasks(4, () => {|#1:_count|}++);
                Helpers.InLoop(4, i => {|#2:_count|} += i);
                Helpers.Leave(4, () => {|#3:_count|}++);
            }

            public void HammerSafely()
            {
                Helpers.OnThreads(4, () => Interlocked.Increment(ref _safe));
                Helpers.OnTasks(4, () => Interlocked.Increment(ref _safe));
                Helpers.InLoop(4, i => Interlocked.Add(ref _safe, i));
                Helpers.OnThreads(4, () => Console.WriteLine(_safe));
                Helpers.Retry(3, () => _count++);
            }
        }

        static class Helpers
        {
            public static void OnThreads(int count, Action action)
            {
                var threads = new List<Thread>();
                for (var i = 0; i < count; i++)
                {
                    var thread = new Thread(() =>
                    {
                        try { action(); }
                        catch (Exception e) { Console.WriteLine(e); }
                    });
                    thread.Start();
                    threads.Add(thread);
                }

                threads.ForEach(t => t.Join());
            }

            public static void OnTasks(int count, Action action) =>
                Task.WaitAll(Enumerable.Range(0, count).Select(_ => Task.Run(action)).ToArray());

            public static void InLoop(int count, Action<int> body) => Parallel.For(0, count, body);

            public static void Retry(int attempts, Action action)
            {
                for (var i = 0; i < attempts; i++)
                {
                    var attempt = Task.Run(action);
                    try
                    {
                        attempt.Wait();
                        return;
                    }
                    catch (AggregateException)
                    {
                    }
                }
            }

            public static void Leave(int count, Action action)
            {
                for (var i = 0; i < count; i++)
                {
                    ThreadPool.QueueUserWorkItem(_ => action());
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "work started with Helpers.OnThreads at line 14", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_count", "work started with Helpers.OnTasks at line 15", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("_count", "work started with Helpers.InLoop at line 16", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(3).WithArguments("_count", "work started with Helpers.Leave at line 17", "another run of the same work", "also write"));

    // Parallel.Invoke joins the delegates, but here it runs in a task the helper leaves running: the delegates run beside
    // the caller after the call. Twin: the same helper waiting for that task.
    [Fact]
    public Task A_helper_that_runs_Parallel_in_work_it_leaves_running_leaves_the_delegates_running() => Verify.VerifyAnalyzerAsync(Usings + """
        class Background
        {
            private int _hits;

            public int Count()
            {
                Helpers.InTheBackground(() => {|#0:_hits|}++);
                return _hits;
            }
        }

        class Waited
        {
            private int _hits;

            public int Count()
            {
                Helpers.AndWait(() => _hits++);
                return _hits;
            }
        }

        static class Helpers
        {
            public static void InTheBackground(params Action[] actions) => Task.Run(() => Parallel.Invoke(actions));

            public static void AndWait(params Action[] actions) => Task.Run(() => Parallel.Invoke(actions)).Wait();
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_hits", "work started with Helpers.InTheBackground at line 13", "the method at line 14", "read"));
}
