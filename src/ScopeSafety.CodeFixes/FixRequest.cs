using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// One light-bulb request as a <see cref="ScopeCodeFixProvider"/> sees it: the document's tree and model, the
    /// diagnostics, and the ways to offer a fix, each registered as one action with its equivalence key.
    /// </summary>
    internal sealed class FixRequest
    {
        private readonly CodeFixContext _context;

        private FixRequest(CodeFixContext context, SyntaxNode root, SemanticModel model)
        {
            _context = context;
            Root = root;
            Model = model;
        }

        public Document Document => _context.Document;

        public SyntaxNode Root { get; }

        public SemanticModel Model { get; }

        public ImmutableArray<Diagnostic> Diagnostics => _context.Diagnostics;

        public CancellationToken CancellationToken => _context.CancellationToken;

        /// <summary>The request, or null when the document has no tree or model (then no fix is offered).</summary>
        public static async Task<FixRequest?> CreateAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            return root == null || model == null ? null : new FixRequest(context, root, model);
        }

        /// <summary>The innermost node at <paramref name="span"/>, as the diagnostic's location names it.</summary>
        public SyntaxNode NodeAt(TextSpan span) => Root.FindNode(span, getInnermostNodeForTie: true);

        /// <summary>Offers a rewrite computed when the user picks it; a failure then leaves the document as it was.</summary>
        public void Offer(string title, Func<CancellationToken, Task<Document>> rewrite, string equivalenceKey, Diagnostic diagnostic) =>
            _context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => ScopeCodeFixProvider.GuardedAsync(() => rewrite(cancellationToken), Document), equivalenceKey),
                diagnostic);

        /// <summary>Offers a document already rewritten and checked (<see cref="FixPipeline.FinishAsync"/>).</summary>
        public void Offer(string title, Document fixedDocument, string equivalenceKey, Diagnostic diagnostic) =>
            _context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(fixedDocument), equivalenceKey), diagnostic);

        /// <summary>Offers a document already rewritten and checked to build; the clean-up of <see cref="FixPipeline"/> runs when it is picked.</summary>
        public void OfferCleanedUp(string title, Document checkedDocument, string equivalenceKey, ImmutableArray<Diagnostic> diagnostics) =>
            _context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    cancellationToken => ScopeCodeFixProvider.GuardedAsync(() => FixPipeline.CleanupAsync(checkedDocument, cancellationToken, Document), checkedDocument),
                    equivalenceKey),
                diagnostics);
    }
}
