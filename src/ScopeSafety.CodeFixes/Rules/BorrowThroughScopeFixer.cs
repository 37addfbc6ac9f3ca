using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ScopeSafety.CodeFixes.BorrowThroughScope;
using ScopeSafety.CodeFixes.RunInScope;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// "Borrow through a scope": for the compiler errors that forbid a lambda to capture a span or a ref (CS8175,
    /// CS9108, CS1628) when the lambda is work handed to a thread API, to Spawn, Scope.Join or Parallel, passes the
    /// variable through Scope.Run(span, (scope, borrowed) => …) and uses borrowed.Span / borrowed.Value in the work.
    /// Compiler errors are not fixed by dotnet format: the IDE light bulb offers this fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BorrowThroughScopeFixer)), Shared]
    public sealed class BorrowThroughScopeFixer : ScopeCodeFixProvider
    {
        /// <summary>One key for the three compiler errors: the rewrite is the same.</summary>
        public const string EquivalenceKey = "CS8175_BorrowThroughScope";

        private const int MaxFixAllRounds = 16;

        /// <summary>Creates the fixer.</summary>
        public BorrowThroughScopeFixer()
            : base("CS8175", "CS9108", "CS1628")
        {
        }

        private protected override bool FixesAllTogether => true;

        private protected override async Task RegisterAsync(FixRequest request)
        {
            foreach (var diagnostic in request.Diagnostics)
            {
                var result = await BorrowEngine.TryFixAsync(request.Document, diagnostic.Location.SourceSpan, request.CancellationToken).ConfigureAwait(false);
                if (result != null)
                {
                    request.OfferCleanedUp(result.Title, result.Document, EquivalenceKey, ImmutableArray.Create(diagnostic));
                }
            }
        }

        /// <summary>
        /// One fix at a time against the updated document: the errors of one variable go away together, and the
        /// next variable's fix must see the code the previous one produced.
        /// </summary>
        private protected override async Task<Document?> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
        {
            var before = document;
            if (diagnostics.IsEmpty)
            {
                return document;
            }

            var changed = false;
            var skipped = new System.Collections.Generic.HashSet<string>();
            for (var round = 0; round < MaxFixAllRounds; round++)
            {
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (model == null)
                {
                    break;
                }

                BorrowEngine.Result? result = null;
                foreach (var diagnostic in model.GetDiagnostics(cancellationToken: cancellationToken).Where(d => FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start))
                {
                    var key = diagnostic.Id + "|" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture) + "|" + diagnostic.Location.SourceSpan.Start;
                    if (skipped.Contains(key))
                    {
                        continue;
                    }

                    result = await BorrowEngine.TryFixAsync(document, diagnostic.Location.SourceSpan, cancellationToken).ConfigureAwait(false);
                    if (result != null)
                    {
                        break;
                    }

                    skipped.Add(key);
                }

                if (result == null)
                {
                    break;
                }

                document = result.Document;
                skipped.Clear();
                changed = true;
            }

            return changed ? await FixPipeline.CleanupAsync(document, cancellationToken, before).ConfigureAwait(false) : document;
        }
    }
}
