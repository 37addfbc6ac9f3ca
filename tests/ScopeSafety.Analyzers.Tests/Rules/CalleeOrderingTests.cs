using static ScopeSafety.Analyzers.Tests.Rules.UnscopedCaptureAnalyzerSharingTests;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Orderings that pass through a callee of the same file (issue 21, F1): the work releases an event one lambda deeper,
/// in a callback it hands to a method that invokes it, or through a method that receives the event and sets it.
/// Each beside the twin whose callee does not set the event, or sets it before the write, which stays reported.
/// </summary>
public class CalleeOrderingTests
{
    private static string WithHelpers(string body) => Program(body).Replace("""
            void M()
        """, """
            static void RunWithCallback(Action<int> callback) => callback(42);
            static void StoreCallback(Action<int> callback) => Stored = callback;
            static Action<int> Stored = _ => { };
            static void Work(ManualResetEventSlim g) => g.Set();
            static void WorkTwice(ManualResetEventSlim g) => Work(g);
            static void Touch(ManualResetEventSlim g) => Console.WriteLine(g.IsSet);

            void M()
        """);

    [Fact]
    public Task An_event_set_in_a_callback_the_callee_invokes_orders_the_write_before_the_wait() => Verify.VerifyAnalyzerAsync(WithHelpers("""
                int result = 0;
                var ready = new ManualResetEventSlim();
                ThreadPool.QueueUserWorkItem(_ => RunWithCallback(r => { result = r; ready.Set(); }));
                ready.Wait();
                Console.WriteLine(result);
        """));

    [Fact]
    public Task An_event_set_in_a_callback_the_callee_only_stores_orders_nothing() => Verify.VerifyAnalyzerAsync(WithHelpers("""
                int result = 0;
                var ready = new ManualResetEventSlim();
                ThreadPool.QueueUserWorkItem(_ => StoreCallback(r => { {|SCOPE002:result|} = r; {|SCOPE004:ready|}.Set(); }));
                ready.Wait();
                Console.WriteLine(result);
        """));

    [Fact]
    public Task An_event_set_in_the_callback_before_the_write_orders_nothing() => Verify.VerifyAnalyzerAsync(WithHelpers("""
                int result = 0;
                var ready = new ManualResetEventSlim();
                ThreadPool.QueueUserWorkItem(_ => RunWithCallback(r => { ready.Set(); {|SCOPE002:result|} = r; }));
                ready.Wait();
                Console.WriteLine(result);
        """));

    [Fact]
    public Task A_callee_that_sets_the_event_it_is_given_orders_the_work_before_the_wait_and_the_dispose() => Verify.VerifyAnalyzerAsync(WithHelpers("""
                int result = 0;
                var gate = new ManualResetEventSlim();
                Task.Run(() => { result = 1; Work(gate); });
                gate.Wait();
                gate.Dispose();
                Console.WriteLine(result);
                var other = new ManualResetEventSlim();
                Task.Run(() => { result = 2; WorkTwice(other); });
                other.Wait();
                Console.WriteLine(result);
        """));

    [Fact]
    public Task A_callee_that_does_not_set_the_event_or_a_write_after_it_is_reported() => Verify.VerifyAnalyzerAsync(WithHelpers("""
                int result = 0;
                var gate = new ManualResetEventSlim();
                Task.Run(() => { {|SCOPE002:result|} = 1; Touch({|SCOPE004:gate|}); });
                gate.Wait();
                Console.WriteLine(result);
                var other = new ManualResetEventSlim();
                Task.Run(() => { Work(other); {|SCOPE002:result|} = 2; });
                other.Wait();
                Console.WriteLine(result);
        """));
}
