using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 on <c>Scope.For</c>, <c>Scope.ForEachChunk</c> and <c>Scope.MapChunks</c>: like <c>Parallel.For</c>, they
/// run the body for many indices or chunks at once and return when every one is done. So the runs race with each other, and the code after the
/// call does not race with them. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class ScopeLoopRaceTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task Chunks_adding_to_one_total_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            long M(int[] data)
            {
                long total = 0;
                Scope.ForEachChunk<int>(data, 10, span => { {|#0:total|} += span.Length; });
                return total;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Scope.ForEachChunk at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task Chunks_adding_to_one_list_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            List<int> M(int[] data)
            {
                var lengths = new List<int>();
                Scope.MapChunks<int, int>(data, 10, span => { {|#0:lengths|}.Add(span.Length); return span.Length; });
                return lengths;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("lengths", "List<int>", "work started with Scope.MapChunks at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Chunks_writing_their_own_span_and_the_code_after_the_loop_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            long M(int[] data)
            {
                var seen = new List<int>();
                Scope.ForEachChunk<int>(data, 10, span => { for (var i = 0; i < span.Length; i++) span[i] *= 2; });
                var sums = Scope.MapChunks<int, long>(data, 10, span => { long s = 0; foreach (var x in span) s += x; return s; });
                seen.Add(sums.Length);
                long total = 0;
                foreach (var s in sums) total += s;
                return total + seen.Count;
            }
        }
        """);

    [Fact]
    public Task Indices_adding_to_one_total_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            long M(int[] data)
            {
                long total = 0;
                Scope.For(0, data.Length, i => {|#0:total|} += data[i]);
                return total;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Scope.For at line 12", "another run of the same work", "also write"));

    [Fact]
    public Task Indices_writing_their_own_element_and_the_code_after_the_loop_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            long M(int[] data)
            {
                var squares = new long[data.Length];
                Scope.For(0, data.Length, i => squares[i] = (long)data[i] * data[i]);
                var grid = new long[8, 8];
                Scope.For(0, 8, row => Scope.For(0, 8, column => grid[row, column] = squares[row] + column));
                return squares.Sum() + grid[7, 7];
            }
        }
        """);
}
