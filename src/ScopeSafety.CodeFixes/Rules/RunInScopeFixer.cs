using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ScopeSafety.Analyzers;
using ScopeSafety.CodeFixes.RunInScope;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// "Run in a scope": rewrites unscoped work reported by SCOPE001–SCOPE004 into scope.Spawn inside Scope.Run, so the
    /// work is joined before the memory, resource or variable it uses goes away.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RunInScopeFixer)), Shared]
    public sealed class RunInScopeFixer : ScopeCodeFixProvider
    {
        /// <summary>
        /// One key for all four ids: the rewrite is the same whichever rule found the spawn, so Fix All may merge spawns
        /// reported by different rules into one scope.
        /// </summary>
        public const string EquivalenceKey = "SCOPE00x_RunInScope";

        /// <summary>Creates the fixer.</summary>
        public RunInScopeFixer()
            : base(
                RuleIds.StackPointerCapturedByUnscopedWork,
                RuleIds.LocalSharedMutablyWithUnscopedWork,
                RuleIds.DisposedWhileUnscopedWorkMayRun,
                RuleIds.UnscopedWorkNotJoined)
        {
        }

        private protected override bool FixesAllTogether => true;

        private protected override async Task RegisterAsync(FixRequest request)
        {
            // Several diagnostics on one spawn (e.g. SCOPE002 for 'a' and for 'b') get one action for all of them.
            foreach (var group in request.Diagnostics.Where(d => d.AdditionalLocations.Count > 0).GroupBy(d => d.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceSpan))
            {
                var result = await RunInScopeEngine.TryFixOneAsync(request.Document, group, request.CancellationToken).ConfigureAwait(false);
                if (result != null)
                {
                    request.OfferCleanedUp(result.Value.Plan.Title, result.Value.Document, EquivalenceKey, group.ToImmutableArray());
                }
            }
        }

        private protected override async Task<Document?> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken) =>
            await RunInScopeEngine.FixAllAsync(document, diagnostics, cancellationToken).ConfigureAwait(false);
    }
}
