using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// Suppresses CS4014 ("this call is not awaited") on scope.Spawn/SpawnAsync in async code. A ScopedTask is awaitable,
    /// so the compiler warns about every spawn statement in an async scope body, yet not awaiting it is the point: the
    /// scope awaits every item before RunAsync completes, and reports every failure nobody observed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ScopeSpawnNotAwaitedSuppressor : DiagnosticSuppressor
    {
        /// <summary>The suppression of CS4014 for a spawn into a scope.</summary>
        public static readonly SuppressionDescriptor SpawnIsAwaitedByItsScope = new SuppressionDescriptor(
            "SCOPESPR4014",
            "CS4014",
            "The scope awaits every item it spawned before Scope.RunAsync completes, so a spawn statement needs no await.");

        /// <inheritdoc />
        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(SpawnIsAwaitedByItsScope);

        /// <inheritdoc />
        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            KnownSymbols? apis = null;
            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                var tree = diagnostic.Location.SourceTree;
                if (tree == null)
                {
                    continue;
                }

                var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var invocation = node as InvocationExpressionSyntax ?? node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (invocation == null)
                {
                    continue;
                }

                apis ??= KnownSymbols.Get(context.Compilation);
                if (apis.Runtime.Scope == null)
                {
                    return;
                }

                var model = context.GetSemanticModel(tree);
                if (model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is IMethodSymbol method &&
                    (RuntimeSymbols.IsIn(apis.Runtime.Spawn, method) || RuntimeSymbols.IsIn(apis.Runtime.SpawnAsync, method)))
                {
                    context.ReportSuppression(Suppression.Create(SpawnIsAwaitedByItsScope, diagnostic));
                }
            }
        }
    }
}
