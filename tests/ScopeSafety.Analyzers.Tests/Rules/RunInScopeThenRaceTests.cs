using RunInScope = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.UnscopedCaptureAnalyzer,
    ScopeSafety.CodeFixes.RunInScopeFixer>;
using Interlocked = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.InterlockedFixer>;
using Races = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// The rule that binds all fixes: code a fix produces is analysed like any code. "Run in a scope" joins the work, so
/// SCOPE002 is gone — but two spawns still race with each other, and SCOPE010 must say so, with its Interlocked fix
/// on offer. Each step feeds the previous step's exact output (asserted) to the next.
/// </summary>
public class RunInScopeThenRaceTests
{
    private const string Unscoped = """
        using System;
        using System.Threading.Tasks;

        class C
        {
            long Count()
            {
                long counter = 0;
                Task.Run(() => { for (var i = 0; i < 1000; i++) {|SCOPE002:counter|}++; });
                Task.Run(() => { for (var i = 0; i < 1000; i++) {|SCOPE002:counter|}++; });
                return counter;
            }
        }
        """;

    private const string Scoped = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                });
                return counter;
            }
        }
        """;

    /// <summary>Two scopes one after the other: the second task starts after the first is joined.</summary>
    private const string TwoScopes = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                });
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                });
                return counter;
            }
        }
        """;

    // Each task races with the method's "return counter" (SCOPE002; their race with each other is SCOPE010's), so the
    // scope the first fix writes reaches to that read and takes the second task in: one at a time or all at once, both
    // spawns end in one scope, where they still run at the same time.
    [Fact]
    public Task Step_1_Run_in_a_scope_joins_the_two_tasks() => new RunInScope.Test
    {
        TestCode = Unscoped,
        FixedCode = Scoped,
    }.RunAsync();

    [Fact]
    public Task Step_2a_two_scopes_one_after_the_other_do_not_race() => Races.VerifyAnalyzerAsync(TwoScopes);

    [Fact]
    public Task Step_2_the_scoped_code_still_races_and_SCOPE010_reports_it() => Races.VerifyAnalyzerAsync(
        Scoped.Replace("i++) counter++; });\n            scope", "i++) {|#0:counter|}++; });\n            scope"),
        Races.Diagnostic("SCOPE010").WithLocation(0)
            .WithArguments("counter", "work started with Scope.Spawn at line 12", "work started with Scope.Spawn at line 13", "also write"));

    [Fact]
    public Task Step_3_the_Interlocked_fix_is_on_offer_and_removes_the_race() => Interlocked.VerifyCodeFixAsync(
        Scoped.Replace("i++) counter++; });\n            scope", "i++) {|SCOPE010:counter|}++; });\n            scope"),
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task Two_spawns_in_an_async_scope_still_race() => Races.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<long> CountAsync()
            {
                long counter = 0;
                await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => { for (var i = 0; i < 1000; i++) {|SCOPE010:counter|}++; });
                    var b = scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                    await a;
                    await b;
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task A_spawn_loop_rewritten_by_Run_in_a_scope_is_still_reported() => Races.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using ScopeSafety;

        class C
        {
            int Count(int n)
            {
                var seen = new List<int>();
                var hits = 0;
                Scope.Run(scope =>
                {
                    for (var w = 0; w < n; w++)
                    {
                        scope.Spawn(() => { {|SCOPE010:hits|}++; {|SCOPE011:seen|}.Add(1); });
                    }
                });
                return hits + seen.Count;
            }
        }
        """);

    [Fact]
    public Task A_stop_flag_in_a_scope_is_still_reported_as_the_race_it_is() => Races.VerifyAnalyzerAsync("""
        using System.Threading;
        using ScopeSafety;

        class C
        {
            long Spin()
            {
                var stop = false;
                long spins = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { while (!{|SCOPE010:stop|}) spins++; });
                    Thread.Sleep(10);
                    stop = true;
                });
                return spins;
            }
        }
        """);

    [Fact]
    public Task A_volatile_stop_flag_in_a_scope_is_not_reported() => Races.VerifyAnalyzerAsync("""
        using System.Threading;
        using ScopeSafety;

        class C
        {
            long Spin()
            {
                var stop = false;
                long spins = 0;
                Scope.Run(scope =>
                {
                    var worker = scope.Spawn(() => { while (!Volatile.Read(ref stop)) spins++; });
                    Thread.Sleep(10);
                    Volatile.Write(ref stop, true);
                    worker.Join();
                    System.Console.WriteLine(spins);
                });
                return spins;
            }
        }
        """);
}
