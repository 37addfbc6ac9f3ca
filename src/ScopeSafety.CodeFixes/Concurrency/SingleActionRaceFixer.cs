using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using ScopeSafety.Analyzers;

namespace ScopeSafety.CodeFixes.Concurrency
{
    /// <summary>
    /// A race fix with one action whose rewrite of a document serves the light bulb (one diagnostic) and Fix All (all of
    /// a document's diagnostics at once); no action is offered where the rewrite declines.
    /// </summary>
    public abstract class SingleActionRaceFixer : CodeFixProvider
    {
        private protected abstract string Key { get; }

        private protected abstract string Title(string variable);

        private protected abstract Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

        /// <inheritdoc />
        public sealed override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        /// <inheritdoc />
        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                var fixedDocument = await FixAsync(context.Document, ImmutableArray.Create(diagnostic), context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument == null)
                {
                    continue;
                }

                var name = diagnostic.Properties.TryGetValue(DiagnosticProperties.Variable, out var variable) && variable != null ? variable : "the variable";
                context.RegisterCodeFix(CodeAction.Create(Title(name), _ => Task.FromResult(fixedDocument), Key), diagnostic);
            }
        }
    }
}
