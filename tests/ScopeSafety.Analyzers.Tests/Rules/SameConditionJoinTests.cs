using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Work started and joined under the same condition (issue 21, F5): when nothing assigns the bool between, the join
/// runs whenever the work was started, so what follows the join no longer runs beside it. Beside the twin that
/// assigns the condition between, which stays reported.
/// </summary>
public class SameConditionJoinTests
{
    private static string Code(string declaration, string between) => ConcurrentAccessAnalyzerTests.Usings + """
        class C
        {
            async Task M(bool concurrent)
            {
                DECLARATION
                var tasks = new List<Task>();
                var cts = new CancellationTokenSource();
                if (concurrent) tasks.Add(Task.Run(() => Loop(cts.Token)));
                Console.WriteLine("working");
                BETWEEN
                if (concurrent)
                {
                    cts.Cancel();
                    await Task.WhenAll(tasks);
                }

                cts.Dispose();
            }

            static void Loop(CancellationToken token)
            {
                while (!token.IsCancellationRequested) { }
            }
        }
        """.Replace("DECLARATION", declaration).Replace("BETWEEN", between);

    [Fact]
    public Task A_parameter_tested_before_the_spawn_and_before_the_join_orders_the_dispose_after_the_work() =>
        Verify.VerifyAnalyzerAsync(Code("", ""));

    [Fact]
    public Task A_local_tested_before_the_spawn_and_before_the_join_orders_the_dispose_after_the_work() =>
        Verify.VerifyAnalyzerAsync(Code("var parallel = concurrent && Environment.ProcessorCount > 1;", "").Replace("if (concurrent)", "if (parallel)"));

    [Fact]
    public Task A_parameter_assigned_before_the_spawn_is_not_trusted_and_stays_reported() =>
        Verify.VerifyAnalyzerAsync(Code("concurrent = concurrent && Environment.ProcessorCount > 1;", "").Replace("Loop(cts.Token)", "Loop({|SCOPE003:cts|}.Token)"));

    [Fact]
    public Task A_condition_assigned_between_the_spawn_and_the_join_leaves_the_dispose_beside_the_work() =>
        Verify.VerifyAnalyzerAsync(Code("", "if (Environment.ProcessorCount > 64) concurrent = false;").Replace("Loop(cts.Token)", "Loop({|SCOPE003:cts|}.Token)"));
}
