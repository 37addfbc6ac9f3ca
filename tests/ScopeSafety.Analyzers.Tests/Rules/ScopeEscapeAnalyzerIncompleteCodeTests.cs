using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE020 and SCOPE022 never throw while code is being typed: every token-end prefix of each source is analysed.</summary>
public class ScopeEscapeAnalyzerIncompleteCodeTests
{
    public static TheoryData<string> Sources() =>
    [
        """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            private Scope? _scope;
            private static List<ScopedTask> s_tasks = new();

            long M(Scope caller, int[] data)
            {
                SpanBorrow<int> kept = default;
                var total = Scope.Run(outer =>
                {
                    _scope = outer;
                    Span<int> buffer = stackalloc int[8];
                    return Scope.Run(buffer, (inner, borrowed) =>
                    {
                        var half = borrowed.Slice(0, 4);
                        kept = half;
                        outer.Spawn(() => half.Span.Clear());
                        caller.Spawn(borrowed.Slice(4), span => span.Fill(1));
                        s_tasks.Add(inner.Spawn(() => borrowed.Span[0]++));
                        _ = Task.Run(() => inner.Spawn(() => { }));
                        return inner.Spawn(() => (long)borrowed.Length).Join();
                    });
                });
                Console.WriteLine(kept.Length);
                return total;
            }
        }
        """,
    ];

    [Theory]
    [MemberData(nameof(Sources))]
    public Task The_analyzer_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<ScopeEscapeAnalyzer>(source);
}
