using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
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
    public sealed class RunInScopeFixer : CodeFixProvider
    {
        /// <summary>
        /// One key for all four ids: the rewrite is the same whichever rule found the spawn, so Fix All may merge spawns
        /// reported by different rules into one scope.
        /// </summary>
        public const string EquivalenceKey = "SCOPE00x_RunInScope";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            RuleIds.StackPointerCapturedByUnscopedWork,
            RuleIds.LocalSharedMutablyWithUnscopedWork,
            RuleIds.DisposedWhileUnscopedWorkMayRun,
            RuleIds.UnscopedWorkNotJoined);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create((context, document, diagnostics) => FixAllInDocumentAsync(document, diagnostics, context.CancellationToken));

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            // Several diagnostics on one spawn (e.g. SCOPE002 for 'a' and for 'b') get one action for all of them.
            foreach (var group in context.Diagnostics.Where(d => d.AdditionalLocations.Count > 0).GroupBy(d => d.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceSpan))
            {
                var result = await RunInScopeEngine.TryFixOneAsync(context.Document, group, context.CancellationToken).ConfigureAwait(false);
                if (result == null)
                {
                    continue;
                }

                var fixedDocument = result.Value.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        result.Value.Plan.Title,
                        cancellationToken => FixPipeline.CleanupAsync(fixedDocument, cancellationToken),
                        EquivalenceKey),
                    group.ToImmutableArray());
            }
        }

        private static async Task<Document?> FixAllInDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, System.Threading.CancellationToken cancellationToken) =>
            await RunInScopeEngine.FixAllAsync(document, diagnostics, cancellationToken).ConfigureAwait(false);
    }
}
