using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// The last steps every fix takes, in one place: clean up what it wrote (imports, simplified names, formatting in
    /// the file's own line ending) and check that the result builds no worse than before; otherwise no fix is offered.
    /// </summary>
    internal static class FixPipeline
    {
        /// <summary><paramref name="newRoot"/> cleaned up, or null when it builds worse than <paramref name="document"/>.</summary>
        public static async Task<Document?> FinishAsync(Document document, SyntaxNode newRoot, CancellationToken cancellationToken)
        {
            var changed = await CleanupAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
            return await AddsErrorsAsync(document, changed, cancellationToken).ConfigureAwait(false) ? null : changed;
        }

        /// <summary>Adds the imports, shortens the names and formats only what the fix wrote, with the file's own line ending.</summary>
        public static async Task<Document> CleanupAsync(Document document, CancellationToken cancellationToken)
        {
            var endOfLine = EndOfLine(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false));
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
#pragma warning disable CS0618 // the OptionSet overload is the one that lets us keep the file's line ending
            var options = document.Project.Solution.Options.WithChangedOption(FormattingOptions.NewLine, LanguageNames.CSharp, endOfLine);
            document = await Formatter.FormatAsync(document, Formatter.Annotation, options, cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0618
            return await NormaliseLineEndingsAsync(document, endOfLine, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The import adder writes Environment.NewLine; bring any such line back to the file's ending.</summary>
        private static async Task<Document> NormaliseLineEndingsAsync(Document document, string endOfLine, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            var wrong = root.DescendantTrivia(descendIntoTrivia: true).Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia) && t.ToString() != endOfLine).ToList();
            if (wrong.Count == 0)
            {
                return document;
            }

            return document.WithSyntaxRoot(root.ReplaceTrivia(wrong, (_, __) => SyntaxFactory.EndOfLine(endOfLine)));
        }

        /// <summary>True when the compilation has more errors after the change than before: never offer code that does not build.</summary>
        public static async Task<bool> AddsErrorsAsync(Document before, Document after, CancellationToken cancellationToken)
        {
            var oldModel = await before.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var newModel = await after.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (oldModel == null || newModel == null)
            {
                return true;
            }

            var oldErrors = oldModel.GetDiagnostics(cancellationToken: cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Error);
            var newErrors = newModel.GetDiagnostics(cancellationToken: cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Error);
            return newErrors > oldErrors;
        }

        /// <summary>The line ending the document mostly uses, so that added lines match it.</summary>
        public static string EndOfLine(SyntaxNode? root)
        {
            var crlf = 0;
            var lf = 0;
            foreach (var trivia in root?.DescendantTrivia() ?? Enumerable.Empty<SyntaxTrivia>())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    if (trivia.ToString() == "\r\n")
                    {
                        crlf++;
                    }
                    else
                    {
                        lf++;
                    }
                }
            }

            return crlf > lf ? "\r\n" : "\n";
        }
    }
}
