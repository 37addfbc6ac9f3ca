using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using VerifyCapture = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/SCOPE011 and the tasks of a <c>Select</c> copied at once (<c>ToArray()</c>, <c>ToList()</c>, <c>Task.WhenAll(…)</c>)
/// and waited for later: work that the selector starts and returns (<c>ids.Select(id =&gt; Task.Run(…))</c>), and the runs of
/// an async selector, go on beside the method from the <c>Select</c> until it waits for the sequence. Each hazard beside
/// its silent twin. The class starts at line 8 (line 19 in the capture tests, SCOPE002/SCOPE003).
/// </summary>
public class SelectedTasksTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_write_between_the_select_and_the_wait_races_with_the_work_the_selector_starts() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int limit;
            static void M()
            {
                var tasks = Enumerable.Range(0, 4).Select(i => Task.Run(() => Console.WriteLine({|#0:limit|} + i))).ToArray();
                limit = 3;
                Task.WaitAll(tasks);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.limit", "the method at line 13", "work started with Task.Run at line 12", "read"));

    [Fact]
    public Task A_write_after_the_wait_or_into_each_runs_own_cell_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int limit;
            static int[] M(int n)
            {
                var results = new int[n];
                var tasks = Enumerable.Range(0, n).Select(i => Task.Run(() => results[i] = limit + i)).ToArray();
                Task.WaitAll(tasks);
                limit = 3;
                return results;
            }
        }
        """);

    [Fact]
    public Task A_method_of_the_type_called_between_the_select_and_the_wait_races_with_the_selected_method() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _state;
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            async Task StepAsync()
            {
                await _gate.WaitAsync();
                try { _state++; } finally { _gate.Release(); }
            }

            void Reset() => _state = 0;

            public void RunMany()
            {
                var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run({|#0:StepAsync|})).ToArray();
                Reset();
                Task.WaitAll(tasks);
            }

            public void RunManyThenReset()
            {
                var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(StepAsync)).ToArray();
                Task.WaitAll(tasks);
                Reset();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_state", "work started with Task.Run at line 22 (in C.StepAsync)", "the method at line 23 (in C.Reset)", "also write"));

    [Fact]
    public Task A_write_between_an_async_select_copied_at_once_and_its_await_races_with_the_runs() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static async Task M(int[] ids)
            {
                var total = 0;
                var all = Task.WhenAll(ids.Select(async id =>
                {
                    await Task.Delay(1);
                    Interlocked.Add(ref {|#0:total|}, id);
                }));
                total = -1;
                await all;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Select(async …) at line 12", "the method at line 17", "also write"));

    [Fact]
    public Task A_sequence_kept_in_a_local_starts_where_it_is_enumerated() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static async Task M(int[] ids)
            {
                var total = 0;
                var runs = ids.Select(async id =>
                {
                    await Task.Delay(1);
                    Interlocked.Add(ref total, id);
                });
                total = -1;
                await Task.WhenAll(runs);
                Console.WriteLine(total);
            }
        }
        """);

    [Fact]
    public Task A_captured_local_read_between_the_select_and_the_wait_is_shared_with_the_work() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static int M(int[] items)
            {
                var done = 0;
                var tasks = items.Select(x => Task.Run(() => Interlocked.Increment(ref {|#0:done|}))).ToArray();
                var early = done;
                Task.WaitAll(tasks);
                return early + done;
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(0).WithArguments("done", "work started with Task.Run", "the method", "read"));

    [Fact]
    public Task A_writer_disposed_before_the_wait_or_after_it() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static void Early(string[] lines)
            {
                var writer = new StringWriter();
                var tasks = lines.Select(line => Task.Run(() => { lock ({|#0:writer|}) writer.Write(line); })).ToArray();
                writer.Dispose();
                Task.WaitAll(tasks);
            }

            static void Late(string[] lines)
            {
                using var writer = new StringWriter();
                var tasks = lines.Select(line => Task.Run(() => { lock (writer) writer.Write(line); })).ToArray();
                Task.WaitAll(tasks);
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE003").WithLocation(0).WithArguments("writer", "Task.Run"));
}
