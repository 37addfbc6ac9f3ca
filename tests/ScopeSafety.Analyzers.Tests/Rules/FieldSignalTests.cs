using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A hand-over through an event or a flag held in a field of an object the work shares (<c>d.Ready.Set()</c>,
/// <c>Interlocked.Exchange(ref d.Flag, 1)</c>), in the work's own code or in the methods it calls, where the wait and
/// the read after it sit in the same method (SharpDetect's <c>InterlockedFlag_Instance_PublishThenRead</c>). Each beside
/// the twin that writes after the release, reads before the wait or waits for another event, which stays reported. The
/// class <c>Program</c> starts at line 7; its <c>Run</c> starts the two pieces of work at lines 11 and 12. An event handed
/// to the callees counts as the argument each call gives it.
/// </summary>
public class FieldSignalTests
{
    private static string Source(string publish, string consume) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Program
        {
            public void Run(D d)
            {
                var a = Task.Run(() => Publish(d));
                var b = Task.Run(() => Consume(d));
                Task.WaitAll(a, b);
            }

            static void Publish(D d) { {{publish}} }

            static void Consume(D d) { {{consume}} }
        }

        class D
        {
            public int Data;
            public int Flag;
            public readonly ManualResetEventSlim Ready = new ManualResetEventSlim();
            public readonly ManualResetEventSlim Other = new ManualResetEventSlim();
        }
        """;

    private const string SpinOnFlag = "var s = new SpinWait(); while (Interlocked.CompareExchange(ref d.Flag, 0, 0) == 0) s.SpinOnce();";

    [Fact]
    public Task A_write_before_the_event_of_a_field_is_set_is_ordered_before_the_read_after_its_wait() => Verify.VerifyAnalyzerAsync(
        ConcurrentAccessAnalyzerTests.Usings + """
        class Program
        {
            public void Run(D d)
            {
                var a = Task.Run(() => { d.Data = 42; d.Ready.Set(); });
                var b = Task.Run(() => { d.Ready.Wait(); _ = d.Data; });
                Task.WaitAll(a, b);
            }
        }

        class D
        {
            public int Data;
            public readonly ManualResetEventSlim Ready = new ManualResetEventSlim();
        }
        """);

    [Fact]
    public Task A_flag_in_a_field_raised_by_one_callee_and_awaited_by_the_other_orders_the_hand_over() =>
        Verify.VerifyAnalyzerAsync(Source("d.Data = 42; Interlocked.Exchange(ref d.Flag, 1);", SpinOnFlag + " _ = d.Data;"));

    [Fact]
    public Task An_event_in_a_field_set_by_one_callee_and_waited_for_by_the_other_orders_the_hand_over() =>
        Verify.VerifyAnalyzerAsync(Source("d.Data = 42; d.Ready.Set(); d.Other.Set();", "d.Ready.Wait(); _ = d.Data;"));

    [Fact]
    public Task A_write_after_the_flag_is_raised_races() => Verify.VerifyAnalyzerAsync(
        Source("Interlocked.Exchange(ref d.Flag, 1); d.Data = 42;", SpinOnFlag + " _ = d.Data;"),
        Verify.Diagnostic("SCOPE010").WithSpan(11, 32, 11, 42).WithArguments("d.Data", "work started with Task.Run at line 11 (in Program.Publish)", "work started with Task.Run at line 12 (in Program.Consume)", "read"));

    [Fact]
    public Task A_read_before_the_wait_races() => Verify.VerifyAnalyzerAsync(
        Source("d.Data = 42; d.Ready.Set();", "_ = d.Data; d.Ready.Wait();"),
        Verify.Diagnostic("SCOPE010").WithSpan(11, 32, 11, 42).WithArguments("d.Data", "work started with Task.Run at line 11 (in Program.Publish)", "work started with Task.Run at line 12 (in Program.Consume)", "read"));

    [Fact]
    public Task A_wait_for_another_event_of_the_object_orders_nothing() => Verify.VerifyAnalyzerAsync(
        Source("d.Data = 42; d.Ready.Set();", "d.Other.Wait(); _ = d.Data;"),
        Verify.Diagnostic("SCOPE010").WithSpan(11, 32, 11, 42).WithArguments("d.Data", "work started with Task.Run at line 11 (in Program.Publish)", "work started with Task.Run at line 12 (in Program.Consume)", "read"));

    [Fact]
    public Task A_callee_that_writes_and_sets_the_event_in_a_loop_of_the_work_races_with_the_reader() => Verify.VerifyAnalyzerAsync(
        ConcurrentAccessAnalyzerTests.Usings + """
        class Program
        {
            public void Run(D d)
            {
                var a = Task.Run(() => { for (var i = 0; i < 3; i++) {|#0:Publish(d, i)|}; });
                var b = Task.Run(() => { d.Ready.Wait(); _ = d.Data; });
                Task.WaitAll(a, b);
            }

            static void Publish(D d, int i) { d.Data = i; d.Ready.Set(); d.Other.Set(); }
        }

        class D
        {
            public int Data;
            public readonly ManualResetEventSlim Ready = new ManualResetEventSlim();
            public readonly ManualResetEventSlim Other = new ManualResetEventSlim();
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("d.Data", "work started with Task.Run at line 11 (in Program.Publish)", "work started with Task.Run at line 12", "read"));

    private static string WithEvents(string first, string second) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Program
        {
            public void Run(D d)
            {
                var ready = new ManualResetEventSlim();
                var other = new ManualResetEventSlim();
                var a = Task.Run(() => {|#0:Publish(d, {{first}})|});
                var b = Task.Run(() => Consume(d, {{second}}));
                Task.WaitAll(a, b);
            }

            static void Publish(D d, ManualResetEventSlim done) { d.Data = 42; done.Set(); Console.WriteLine(); }

            static void Consume(D d, ManualResetEventSlim done) { done.Wait(); _ = d.Data; }
        }

        class D
        {
            public int Data;
        }
        """;

    [Fact]
    public Task An_event_both_callees_are_given_orders_the_hand_over() => Verify.VerifyAnalyzerAsync(WithEvents("ready", "ready"));

    [Fact]
    public Task Callees_given_two_different_events_race() => Verify.VerifyAnalyzerAsync(
        WithEvents("ready", "other"),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("d.Data", "work started with Task.Run at line 13 (in Program.Publish)", "work started with Task.Run at line 14 (in Program.Consume)", "read"));
}
