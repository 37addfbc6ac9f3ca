using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/SCOPE011 and a lock object that the work creates for itself: <c>var gate = new object(); lock (gate) …</c>
/// inside the work locks another object in every run, so it excludes nothing. A local made by the host and captured by
/// the work, or one that copies a shared field, is one object for all. Each hazard beside its silent twin. The class
/// starts at line 8.
/// </summary>
public class OwnLockObjectTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_lock_on_an_object_each_run_creates_excludes_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int count;
            static void M(List<int> list)
            {
                Parallel.For(0, 10, i =>
                {
                    var gate = new object();
                    lock (gate)
                    {
                        {|#0:list|}.Add(i);
                    }
                });
                var t1 = new Thread({|#1:Work|});
                var t2 = new Thread(Work);
                t1.Start();
                t2.Start();
            }
            static void Work()
            {
                var gate = new object();
                Monitor.Enter(gate);
                try { count++; } finally { Monitor.Exit(gate); }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("C.count", "work started with new Thread at line 20 (in C.Work)", "work started with new Thread at line 21 (in C.Work)", "also write"));

    [Fact]
    public Task A_lock_on_an_object_the_host_creates_or_on_a_copy_of_a_shared_field_excludes_the_runs() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly object s_gate = new object();
            static int count;
            static void M(List<int> list, List<int> other)
            {
                var gate = new object();
                Parallel.For(0, 10, i =>
                {
                    lock (gate)
                    {
                        list.Add(i);
                    }
                });
                Parallel.For(0, 10, i =>
                {
                    var shared = s_gate;
                    lock (shared)
                    {
                        other.Add(i);
                    }
                });
                var t = new Thread(() => { lock (gate) count++; });
                t.Start();
                lock (gate)
                {
                    count++;
                }
                t.Join();
            }
        }
        """);
}
