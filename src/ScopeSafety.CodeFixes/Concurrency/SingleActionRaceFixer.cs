using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers;

namespace ScopeSafety.CodeFixes.Concurrency
{
    /// <summary>
    /// A race fix with one action whose rewrite of a document serves the light bulb (one diagnostic) and Fix All (all of
    /// a document's diagnostics at once); no action is offered where the rewrite declines.
    /// </summary>
    public abstract class SingleActionRaceFixer : ScopeCodeFixProvider
    {
        private protected SingleActionRaceFixer(params string[] fixableDiagnosticIds)
            : base(fixableDiagnosticIds)
        {
        }

        private protected abstract string Key { get; }

        private protected sealed override bool FixesAllTogether => true;

        private protected abstract string Title(string variable);

        /// <summary>The document with the diagnostics' races rewritten and checked, or null where the rewrite declines.</summary>
        private protected abstract Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

        private async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            return root == null || model == null ? null : await FixAsync(document, root, model, diagnostics, cancellationToken).ConfigureAwait(false);
        }

        private protected sealed override Task<Document?> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken) =>
            FixAsync(document, diagnostics, cancellationToken);

        private protected sealed override async Task RegisterAsync(FixRequest request)
        {
            foreach (var diagnostic in request.Diagnostics)
            {
                var fixedDocument = await FixAsync(request.Document, ImmutableArray.Create(diagnostic), request.CancellationToken).ConfigureAwait(false);
                if (fixedDocument != null)
                {
                    request.Offer(Title(RaceFixes.VariableOf(diagnostic, "the variable")), fixedDocument, Key, diagnostic);
                }
            }
        }
    }
}
