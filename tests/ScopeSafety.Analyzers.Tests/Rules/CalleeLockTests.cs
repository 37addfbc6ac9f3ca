using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Mutual exclusion in a callee of the same file (issue 21, F2): a lambda handed to a method that invokes it under a
/// lock runs under that lock. Beside the twin whose callee invokes the lambda outside the lock, which stays reported.
/// </summary>
public class CalleeLockTests
{
    private static string Code(string body) => ConcurrentAccessAnalyzerTests.Usings + """
        class C
        {
            static readonly object Gate = new object();

            static void RunExclusive(Action a) { lock (Gate) a(); }

            static void RunLockedOn(object gate, Action a) { lock (gate) { a(); } }

            static void RunThenLock(Action a) { a(); lock (Gate) { } }

            static void RunEitherWay(bool locked, Action a)
            {
                if (locked) { lock (Gate) a(); }
                else a();
            }

            void M(int[] items)
            {
        BODY
            }
        }
        """.Replace("BODY", body);

    [Fact]
    public Task A_write_in_a_lambda_the_callee_runs_under_the_lock_does_not_race_with_a_read_under_the_same_lock() => Verify.VerifyAnalyzerAsync(Code("""
                var val = 0;
                var a = Task.Run(() => RunExclusive(() => val = 2));
                var b = Task.Run(() => { lock (Gate) Console.WriteLine(val); });
                var other = new object();
                var count = 0;
                var c = Task.Run(() => RunLockedOn(other, () => count = 3));
                var d = Task.Run(() => { lock (other) Console.WriteLine(count); });
                Task.WaitAll(a, b, c, d);
        """));

    [Fact]
    public Task A_lambda_the_callee_runs_outside_the_lock_races() => Verify.VerifyAnalyzerAsync(Code("""
                var val = 0;
                var a = Task.Run(() => RunThenLock(() => {|#0:val|} = 2));
                var b = Task.Run(() => { lock (Gate) Console.WriteLine(val); });
                Task.WaitAll(a, b);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_lambda_the_callee_runs_under_the_lock_only_on_one_path_races() => Verify.VerifyAnalyzerAsync(Code("""
                var val = 0;
                var a = Task.Run(() => RunEitherWay(items.Length > 0, () => {|#0:val|} = 2));
                var b = Task.Run(() => { lock (Gate) Console.WriteLine(val); });
                Task.WaitAll(a, b);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_lambda_run_under_a_different_lock_races() => Verify.VerifyAnalyzerAsync(Code("""
                var val = 0;
                var mine = new object();
                var a = Task.Run(() => RunLockedOn(mine, () => {|#0:val|} = 2));
                var b = Task.Run(() => { lock (Gate) Console.WriteLine(val); });
                Task.WaitAll(a, b);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));
}
