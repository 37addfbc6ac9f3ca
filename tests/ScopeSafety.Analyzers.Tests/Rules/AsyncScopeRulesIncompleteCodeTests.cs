using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE021 and SCOPE023 (and the CS4014 suppressor's analyzer side) never throw while code is being typed.</summary>
public class AsyncScopeRulesIncompleteCodeTests
{
    private const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int done;

            async Task<int> M(CancellationToken token)
            {
                Action work = async () => { await Task.Yield(); done = 1; };
                Scope.Run(scope =>
                {
                    scope.Spawn(async () => { await Task.Yield(); done = 2; });
                    scope.Spawn((Action)(async () => await Task.Delay(1)));
                    scope.Spawn(work);
                    scope.Spawn(() => Task.Delay(1));
                    scope.Spawn(WorkAsync);
                    var part = scope.Spawn(inner => 41);
                    Console.WriteLine(part.Join() + 1);
                }, token);
                Scope.Join(async () => await Task.Yield(), () => done++);
                return await Scope.RunAsync(async scope =>
                {
                    var item = scope.SpawnAsync(async t => { await Task.Delay(1, t); return 1; });
                    scope.Spawn(() => done++);
                    return item.Join() + await item;
                }, token);
            }

            static async Task WorkAsync() => await Task.Yield();
        }
        """;

    public static TheoryData<string> Sources() => [Source];

    [Theory]
    [MemberData(nameof(Sources))]
    public Task SCOPE023_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<AsyncWorkInSynchronousScopeAnalyzer>(source);

    [Theory]
    [MemberData(nameof(Sources))]
    public Task SCOPE021_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<BlockingScopeInAsyncCodeAnalyzer>(source);
}
