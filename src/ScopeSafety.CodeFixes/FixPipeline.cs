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
            var changed = await CleanupAsync(document.WithSyntaxRoot(newRoot), cancellationToken, document).ConfigureAwait(false);
            return await AddsErrorsAsync(document, changed, cancellationToken).ConfigureAwait(false) ? null : changed;
        }

        /// <summary>
        /// Adds the imports, shortens the names and formats only what the fix wrote, with the file's own line ending and
        /// indentation (tabs where its lines are indented with tabs). <paramref name="before"/> is the document before the
        /// fix, when the caller has it: only the lines that differ from it get the file's line ending (a file that mixes
        /// CRLF and LF keeps its other lines as they are).
        /// </summary>
        public static async Task<Document> CleanupAsync(Document document, CancellationToken cancellationToken, Document? before = null)
        {
            before ??= document;
            var root = await before.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var endOfLine = EndOfLine(root);
            var useTabs = IndentsWithTabs(root);
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
#pragma warning disable CS0618 // the OptionSet overload is the one that lets us keep the file's line ending and indentation
            var options = document.Project.Solution.Options
                .WithChangedOption(FormattingOptions.NewLine, LanguageNames.CSharp, endOfLine)
                .WithChangedOption(FormattingOptions.UseTabs, LanguageNames.CSharp, useTabs);
            document = await Formatter.FormatAsync(document, Formatter.Annotation, options, cancellationToken).ConfigureAwait(false);
            // Trivia a fix made without a layout (SyntaxFactory's elastic spaces) outside the nodes marked for formatting,
            // which the host would otherwise lay out with its own options.
            document = await Formatter.FormatAsync(document, SyntaxAnnotation.ElasticAnnotation, options, cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0618
            document = await NormaliseLineEndingsAsync(document, before, endOfLine, cancellationToken).ConfigureAwait(false);
            return await WithoutCleanupMarksAsync(document, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The document without the marks that asked for clean-up, now done: the host cleans up a code action's result
        /// again where it finds them, with its own options (spaces and the machine's line ending, in a file of tabs and
        /// CRLF).
        /// </summary>
        private static async Task<Document> WithoutCleanupMarksAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            var marks = new[] { Formatter.Annotation, Simplifier.Annotation, Simplifier.AddImportsAnnotation };
            var nodes = marks.SelectMany(mark => root.GetAnnotatedNodes(mark)).Distinct().ToList();
            var tokens = marks.SelectMany(mark => root.GetAnnotatedTokens(mark)).Distinct().ToList();
            var elastic = root.DescendantTrivia(descendIntoTrivia: true).Where(trivia => trivia.HasAnnotation(SyntaxAnnotation.ElasticAnnotation)).ToList();
            if (nodes.Count == 0 && tokens.Count == 0 && elastic.Count == 0)
            {
                return document;
            }

            // Elastic trivia left after the formatting keep the text they have now, as plain trivia.
            var cleaned = root.ReplaceSyntax(
                nodes, (_, rewritten) => rewritten.WithoutAnnotations(marks),
                tokens, (_, rewritten) => rewritten.WithoutAnnotations(marks),
                elastic, (original, _) => original.IsKind(SyntaxKind.EndOfLineTrivia) ? SyntaxFactory.EndOfLine(original.ToString()) : SyntaxFactory.Whitespace(original.ToString()));
            return document.WithSyntaxRoot(cleaned);
        }

        /// <summary>
        /// The import adder writes Environment.NewLine; bring any such line back to the file's ending — only in what
        /// changed since <paramref name="before"/>, not in the lines of a file that mixes endings.
        /// </summary>
        private static async Task<Document> NormaliseLineEndingsAsync(Document document, Document before, string endOfLine, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            var oldTree = await before.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || tree == null || oldTree == null)
            {
                return document;
            }

            var changed = tree.GetChangedSpans(oldTree);
            var wrong = root.DescendantTrivia(descendIntoTrivia: true)
                .Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia) && t.ToString() != endOfLine && changed.Any(span => span.IntersectsWith(t.Span)))
                .ToList();
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

        /// <summary>Most of the document's indented lines start with a tab.</summary>
        public static bool IndentsWithTabs(SyntaxNode? root)
        {
            var tabs = 0;
            var spaces = 0;
            foreach (var trivia in root?.DescendantTrivia() ?? Enumerable.Empty<SyntaxTrivia>())
            {
                if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia) || trivia.Span.Length == 0 ||
                    trivia.SyntaxTree?.GetText().Lines.GetLineFromPosition(trivia.SpanStart).Start != trivia.SpanStart)
                {
                    continue;
                }

                if (trivia.ToString()[0] == '\t')
                {
                    tabs++;
                }
                else
                {
                    spaces++;
                }
            }

            return tabs > spaces;
        }
    }
}
