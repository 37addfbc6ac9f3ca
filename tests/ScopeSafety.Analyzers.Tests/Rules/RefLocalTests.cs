using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 through a ref local that stands for an array element or a field (<c>ref var first = ref values[0];</c>):
/// using the local uses that place. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class RefLocalTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task Reading_an_element_through_a_ref_local_while_a_task_writes_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(int[] values)
            {
                ref var first = ref values[0];
                var task = Task.Run(() => {|#0:values[0]|} = 1);
                var seen = first;
                task.Wait();
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("values[]", "work started with Task.Run at line 12", "the method at line 13", "read"));

    [Fact]
    public Task Reading_an_element_through_a_ref_local_after_the_task_is_joined_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(int[] values)
            {
                ref var first = ref values[0];
                var task = Task.Run(() => values[0] = 1);
                task.Wait();
                return first;
            }
        }
        """);

    [Fact]
    public Task Parallel_runs_writing_their_own_element_through_a_ref_local_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(long[] squares)
            {
                Parallel.For(0, squares.Length, i =>
                {
                    ref var slot = ref squares[i];
                    slot = (long)i * i;
                });
            }
        }
        """);

    [Fact]
    public Task Writing_a_field_through_a_ref_local_while_a_thread_reads_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _state;

            void M()
            {
                ref var state = ref _state;
                var thread = new Thread(() => Console.WriteLine({|#0:_state|}));
                thread.Start();
                state = 2;
                thread.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_state", "the method at line 16", "work started with new Thread at line 14", "read"));

    [Fact]
    public Task A_ref_local_pointed_elsewhere_is_not_taken_for_its_first_target() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(int[] values, int[] other)
            {
                ref var current = ref values[0];
                current = ref other[0];
                var task = Task.Run(() => values[0] = 1);
                var seen = current;
                task.Wait();
                return seen;
            }
        }
        """);
}
