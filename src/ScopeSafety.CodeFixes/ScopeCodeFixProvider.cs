using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// The one path every fix of the package takes: the ids it fixes, its Fix All, and the guard that turns a shape the
    /// fix did not expect into no fix rather than an exception (a provider never throws). A fixer only finds the node,
    /// decides whether it can rewrite it faithfully and offers the rewrite through <see cref="FixRequest"/>.
    /// </summary>
    public abstract class ScopeCodeFixProvider : CodeFixProvider
    {
        private protected ScopeCodeFixProvider(params string[] fixableDiagnosticIds)
        {
            FixableDiagnosticIds = ImmutableArray.Create(fixableDiagnosticIds);
        }

        /// <inheritdoc />
        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        /// <summary>
        /// True when Fix All must rewrite a document's diagnostics together (<see cref="FixAllAsync"/>), because merging
        /// single fixes would be wrong (one scope for several spawns, one lock for several uses); otherwise the batch fixer.
        /// </summary>
        private protected virtual bool FixesAllTogether => false;

        /// <inheritdoc />
        public sealed override FixAllProvider GetFixAllProvider() =>
            FixesAllTogether
                ? FixAllProvider.Create((context, document, diagnostics) => GuardedAsync(() => FixAllAsync(document, diagnostics, context.CodeActionEquivalenceKey, context.CancellationToken), (Document?)null))
                : WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            await GuardedAsync(async () =>
            {
                var request = await FixRequest.CreateAsync(context).ConfigureAwait(false);
                if (request != null)
                {
                    await RegisterAsync(request).ConfigureAwait(false);
                }

                return true;
            }, false).ConfigureAwait(false);
        }

        /// <summary>Offers the fixes for the request's diagnostics; a diagnostic it cannot rewrite faithfully gets none.</summary>
        private protected abstract Task RegisterAsync(FixRequest request);

        /// <summary>
        /// Fix All for one document when <see cref="FixesAllTogether"/>: the rewritten document, or null for no change.
        /// <paramref name="equivalenceKey"/> is the key of the action the user chose.
        /// </summary>
        private protected virtual Task<Document?> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken) =>
            Task.FromResult<Document?>(null);

        /// <summary>
        /// Runs a step of a fix; a shape the fix did not foresee (an exception other than cancellation) gives
        /// <paramref name="fallback"/>: no fix, or the document unchanged.
        /// </summary>
        internal static async Task<T> GuardedAsync<T>(Func<Task<T>> step, T fallback)
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (Exception exception) when (!(exception is OperationCanceledException))
            {
                return fallback;
            }
        }
    }
}
