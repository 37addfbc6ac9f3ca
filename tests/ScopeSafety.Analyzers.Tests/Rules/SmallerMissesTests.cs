using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 on smaller patterns (issue 17, item 6): writes made by calling a delegate the host made, and ordering
/// through a volatile flag handshake. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class SmallerMissesTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // ---- writes made by calling a captured delegate --------------------------------------------------------

    [Fact]
    public Task Two_spawns_calling_one_delegate_that_increments_a_local_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => counter++;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:bump()|});
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 15", "work started with Scope.Spawn at line 16", "also write"));

    [Fact]
    public Task Two_spawns_calling_one_delegate_that_increments_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => Interlocked.Increment(ref counter);
                Scope.Run(scope =>
                {
                    scope.Spawn(() => bump());
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task Two_tasks_running_a_delegate_local_that_increments_a_local_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => {|#0:counter|}++;
                var a = Task.Run(bump);
                var b = Task.Run(bump);
                Task.WaitAll(a, b);
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Task.Run at line 13", "work started with Task.Run at line 14", "also write"));

    [Fact]
    public Task Two_tasks_running_a_delegate_local_that_increments_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => Interlocked.Increment(ref counter);
                var a = Task.Run(bump);
                var b = Task.Run(bump);
                Task.WaitAll(a, b);
                return counter;
            }
        }
        """);

    [Fact]
    public Task Two_spawns_calling_a_delegate_made_from_a_local_function_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                void Bump() => counter++;
                Action bump = Bump;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:bump()|});
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 16", "work started with Scope.Spawn at line 17", "also write"));

    [Fact]
    public Task A_delegate_local_given_two_values_is_not_followed() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(bool flag)
            {
                var counter = 0;
                Action bump = () => counter++;
                if (flag) bump = () => Interlocked.Increment(ref counter);
                Scope.Run(scope =>
                {
                    scope.Spawn(() => bump());
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """);
}
