using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>CS4014 on an unawaited Spawn/SpawnAsync in async code is suppressed: the scope awaits the item.</summary>
public class ScopeSpawnNotAwaitedSuppressorTests
{
    [Fact]
    public async Task CS4014_is_suppressed_for_spawns_and_kept_for_other_unawaited_calls()
    {
        var source = """
            using System.Threading.Tasks;
            using ScopeSafety;

            class C
            {
                async Task M()
                {
                    await Scope.RunAsync(async scope =>
                    {
                        scope.SpawnAsync(async () => await Task.Yield());
                        scope.Spawn(() => { });
                        await Task.Yield();
                    });
                    Other();
                }

                async Task Other() => await Task.Yield();
            }
            """;
        var compilation = CSharpCompilation.Create(
            "Suppressed",
            [CSharpSyntaxTree.ParseText(source)],
            TestReferences.Get(referenceScopeSafety: true),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var withAnalyzers = compilation.WithAnalyzers([new ScopeSpawnNotAwaitedSuppressor()], new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(System.Collections.Immutable.ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true));
        var diagnostics = await withAnalyzers.GetAllDiagnosticsAsync();

        var cs4014 = diagnostics.Where(d => d.Id == "CS4014").ToList();
        Assert.Equal(3, cs4014.Count);
        Assert.Equal(2, cs4014.Count(d => d.IsSuppressed));
        Assert.Contains("Other()", cs4014.Single(d => !d.IsSuppressed).Location.SourceTree!.ToString()
            .Substring(cs4014.Single(d => !d.IsSuppressed).Location.SourceSpan.Start, 7));
    }
}
