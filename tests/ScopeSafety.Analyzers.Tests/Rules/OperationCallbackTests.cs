using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A callback of an operation's shape (<c>Func&lt;CancellationToken, Task&gt;</c>, <c>Func&lt;Task&gt;</c>) handed to a
/// method the rules cannot read is an operation that method runs (Orleans' <c>lifecycle.Subscribe(stage, OnStart,
/// OnStop)</c>), not a callback it may run many times at once: the work a start starts, returned or left running, has no
/// second run beside it. A callback for elements or events (<c>Func&lt;int, Task&gt;</c>, <c>Action&lt;int&gt;</c>)
/// may run once per element, and its work beside its own other runs stays reported.
/// </summary>
public class OperationCallbackTests
{
    private static string Source(string participate) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        public interface ILifecycle
        {
            void Subscribe(int stage, Func<CancellationToken, Task> onStart, Func<CancellationToken, Task> onStop);
        }

        public interface IFeed
        {
            void Subscribe(Func<int, Task> onItem);
            void Subscribe(Action<int> onItem);
        }

        class Service
        {
            private int _running;
            private Task _loop;

            public void Participate(ILifecycle lifecycle, IFeed feed)
            {
                {{participate}}
            }

            private void Start() => _running = 1;

            private void Loop() => _running = 2;
        }
        """;

    [Fact]
    public Task Work_a_lifecycle_start_returns_has_no_second_run() => Verify.VerifyAnalyzerAsync(Source("""
        lifecycle.Subscribe(1, RunStart, RunStop);

                Task RunStart(CancellationToken ct) => Task.Run(() => Start());
                Task RunStop(CancellationToken ct) => Task.CompletedTask;
        """));

    [Fact]
    public Task A_loop_a_lifecycle_start_leaves_running_has_no_second_run() => Verify.VerifyAnalyzerAsync(Source("""
        lifecycle.Subscribe(1, OnStart, ct => Task.CompletedTask);

                Task OnStart(CancellationToken ct)
                {
                    _loop = Task.Run(Loop);
                    return Task.CompletedTask;
                }
        """));

    [Fact]
    public Task A_lambda_of_an_operation_shape_has_no_second_run() => Verify.VerifyAnalyzerAsync(Source("""
        lifecycle.Subscribe(1, ct => Task.Run(() => Start()), ct => Task.CompletedTask);
        """));

    [Fact]
    public Task Work_a_callback_for_each_item_starts_runs_beside_its_other_runs() => Verify.VerifyAnalyzerAsync(Source("""
        feed.Subscribe((int item) => Task.Run(() => {|#0:Start()|}));
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_running", "work started with Task.Run at line 25 (in Service.Start)", "another run of the same work", "also write"));

    [Fact]
    public Task A_local_function_handed_for_each_item_starts_work_beside_its_other_runs() => Verify.VerifyAnalyzerAsync(Source("""
        feed.Subscribe(OnItem);

                void OnItem(int item) => Task.Run(() => {|#0:Start()|});
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_running", "work started with Task.Run at line 27 (in Service.Start)", "another run of the same work", "also write"));
}
