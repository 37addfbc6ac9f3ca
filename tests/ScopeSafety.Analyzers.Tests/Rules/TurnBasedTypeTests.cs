using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Code of an Orleans grain or system target runs on its activation's scheduler, one turn at a time, and an await brings
/// the rest back there, as a UI thread's context does: its async calls in flight at once (Orleans'
/// <c>GrainDirectoryPartition</c>) interleave at their awaits, never run at once. An await with
/// <c>ConfigureAwait(false)</c> leaves that scheduler, and the same calls on a plain class (<see cref="AsyncOwnTypeCallTests"/>)
/// run on the thread pool: both stay reported. The Orleans base types are declared in the test source.
/// </summary>
public class TurnBasedTypeTests
{
    private static string Source(string baseType, string await) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        namespace Orleans { public abstract class Grain { } public abstract class Grain<TGrainState> : Grain { } }
        namespace Orleans.Runtime { public abstract class SystemTarget { } }

        class Partition : {{baseType}}
        {
            private readonly List<string> _log = new();

            private async Task Release() { {{await}}; {|#0:_log|}.Add("release"); }

            private async Task Acquire() { {{await}}; _log.Add("acquire"); }

            public async Task Both() => await Task.WhenAll(Release(), Acquire());
        }
        """;

    [Fact]
    public Task Calls_of_a_system_target_in_flight_at_once_run_in_turns() =>
        Verify.VerifyAnalyzerAsync(Source("Orleans.Runtime.SystemTarget", "await Task.Delay(1)"));

    [Fact]
    public Task Calls_of_a_grain_with_state_in_flight_at_once_run_in_turns() =>
        Verify.VerifyAnalyzerAsync(Source("Orleans.Grain<int>", "await Task.Delay(1)"));

    [Fact]
    public Task Calls_that_leave_the_grains_scheduler_race() =>
        Verify.VerifyAnalyzerAsync(Source("Orleans.Grain", "await Task.Delay(1).ConfigureAwait(false)"),
            Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_log", "List<string>", "work started with Release at line 18", "work started with Acquire at line 18", "also mutate"));
}
