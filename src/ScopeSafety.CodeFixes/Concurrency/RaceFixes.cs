using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.CodeFixes.Concurrency
{
    /// <summary>What the SCOPE010–012 fixes share: finding the work items of a member (with the analyzer's own model) and the clean-up.</summary>
    internal static class RaceFixes
    {
        /// <summary>
        /// The member holding <paramref name="node"/>; for a top-level statement the compilation unit, because all the
        /// top-level statements of a file are one function (their locals and work items span several statements).
        /// </summary>
        public static SyntaxNode? MemberOf(SyntaxNode node)
        {
            var member = node.AncestorsAndSelf().FirstOrDefault(n => n is MemberDeclarationSyntax && !(n is BaseTypeDeclarationSyntax) && !(n is NamespaceDeclarationSyntax) && !(n is FileScopedNamespaceDeclarationSyntax));
            return member is GlobalStatementSyntax ? member.Parent : member;
        }

        /// <summary>The function a node is in: a lambda, a local function, or a member (<see cref="MemberOf"/>).</summary>
        public static SyntaxNode? FunctionOf(SyntaxNode node) =>
            node.Ancestors().FirstOrDefault(ancestor => ancestor is AnonymousFunctionExpressionSyntax || ancestor is LocalFunctionStatementSyntax) ?? MemberOf(node);

        /// <summary>
        /// The field a SCOPE010 diagnostic reports: the one its location names, the one the analyzer names for a race with
        /// the type's members (its Field property: the report names the method the work runs, <c>new Thread(Loop)</c>),
        /// or the one the other side's access names in this file; null otherwise.
        /// </summary>
        public static IFieldSymbol? RacingField(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            FieldAt(root, model, diagnostic.Location, cancellationToken) ??
            NamedField(model, diagnostic) ??
            (diagnostic.AdditionalLocations.Count > DiagnosticProperties.ConflictLocation
                ? FieldAt(root, model, diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation], cancellationToken)
                : null);

        /// <summary>The field the analyzer names in the diagnostic's Field property (a race with the type's members); null when none.</summary>
        public static IFieldSymbol? NamedField(SemanticModel model, Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(DiagnosticProperties.Field, out var id) && id != null
                ? DocumentationCommentId.GetFirstSymbolForDeclarationId(id, model.Compilation) as IFieldSymbol
                : null;

        private static IFieldSymbol? FieldAt(SyntaxNode root, SemanticModel model, Location location, CancellationToken cancellationToken) =>
            location.IsInSource && location.SourceTree == root.SyntaxTree &&
            model.GetSymbolInfo(root.FindNode(location.SourceSpan, getInnermostNodeForTie: true), cancellationToken).Symbol is IFieldSymbol { IsConst: false, IsReadOnly: false } field
                ? field
                : null;

        /// <summary>
        /// A use in a method or accessor that may run while other code uses the object: not in a constructor, a finalizer,
        /// <c>Dispose</c> (<see cref="Analyzers.Concurrency.ThreadSafeTypes.IsDispose"/>), a field initialiser, or a lambda or local function
        /// (which run where they are handed, and which the rule does not compare either).
        /// </summary>
        public static bool RunsBesideOtherMembers(SyntaxNode use, SemanticModel model, CancellationToken cancellationToken) =>
            model.GetEnclosingSymbol(use.SpanStart, cancellationToken) is IMethodSymbol
            {
                MethodKind: MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.ExplicitInterfaceImplementation,
            } member && !Analyzers.Concurrency.ThreadSafeTypes.IsDispose(member);

        /// <summary>The name of the variable or object the diagnostic names (its Variable property), for the action's title.</summary>
        public static string VariableOf(Diagnostic diagnostic, string fallback) =>
            diagnostic.Properties.TryGetValue(DiagnosticProperties.Variable, out var variable) && variable != null ? variable : fallback;

        /// <summary>The spawn options (.editorconfig) the analyzers read for <paramref name="tree"/>: the fix must see the same work.</summary>
        public static SpawnOptions SpawnOptionsOf(Document document, SyntaxTree tree) =>
            new SpawnOptions.Cache(document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider).Get(tree);

        /// <summary>The code of every work item in <paramref name="member"/>, as the analyzer sees them under <paramref name="options"/>.</summary>
        public static List<SyntaxNode> WorkBodies(SemanticModel model, SyntaxNode member, SpawnOptions options, CancellationToken cancellationToken)
        {
            var result = new List<SyntaxNode>();
            foreach (var item in WorkItemFinder.ItemsIn(model, member, options, cancellationToken))
            {
                result.Add(item.Site.Delegate.Syntax is AnonymousFunctionExpressionSyntax lambda ? lambda : item.Body?.Syntax ?? item.Site.Delegate.Syntax);
            }

            return result;
        }

        /// <summary>
        /// The work bodies of the member that hold the two sides of a SCOPE010 diagnostic: the reported access's, and
        /// the conflicting access's (AdditionalLocations) when another body holds it; one body for another run of the same work.
        /// </summary>
        public static List<SyntaxNode> RacingBodies(SemanticModel model, SyntaxNode member, SpawnOptions options, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var bodies = WorkBodies(model, member, options, cancellationToken);
            var racing = new List<SyntaxNode>();
            if (InnermostBody(bodies, diagnostic.Location.SourceSpan) is { } mine)
            {
                racing.Add(mine);
            }

            if (diagnostic.AdditionalLocations.Count > DiagnosticProperties.ConflictLocation &&
                InnermostBody(bodies, diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation].SourceSpan) is { } theirs &&
                !racing.Any(r => r.Span.Contains(theirs.Span)))
            {
                racing.Add(theirs);
            }

            return racing;
        }

        /// <summary>
        /// The two sides of a finalizer's SCOPE010 diagnostic: the finalizer (<paramref name="finalizer"/>, which holds the
        /// reported access) and the member holding the conflicting access, when that is in the same file and the access
        /// is the member's own (not made in a method it calls, which a rewrite of the member would leave racing); empty
        /// otherwise.
        /// </summary>
        public static List<SyntaxNode> FinalizerAndMember(SyntaxNode root, SyntaxNode finalizer, Diagnostic diagnostic)
        {
            if (!(finalizer is DestructorDeclarationSyntax) || diagnostic.AdditionalLocations.Count <= DiagnosticProperties.ConflictLocation ||
                diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation].SourceTree != root.SyntaxTree ||
                !(root.FindNode(diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation].SourceSpan, getInnermostNodeForTie: true) is IdentifierNameSyntax conflict) ||
                !(MemberOf(conflict) is { } member))
            {
                return new List<SyntaxNode>();
            }

            return new List<SyntaxNode> { finalizer, member };
        }

        /// <summary>The innermost work body that contains <paramref name="span"/>.</summary>
        public static SyntaxNode? InnermostBody(List<SyntaxNode> bodies, Microsoft.CodeAnalysis.Text.TextSpan span)
        {
            SyntaxNode? best = null;
            foreach (var body in bodies)
            {
                if (body.Span.Contains(span) && (best == null || best.Span.Contains(body.Span)))
                {
                    best = body;
                }
            }

            return best;
        }

        /// <summary>global::System.Threading.&lt;name&gt;, shortened and imported by the clean-up.</summary>
        public static ExpressionSyntax ThreadingType(string name) =>
            SyntaxFactory.QualifiedName(
                    SyntaxFactory.QualifiedName(
                        SyntaxFactory.AliasQualifiedName(SyntaxFactory.IdentifierName(SyntaxFactory.Token(SyntaxKind.GlobalKeyword)), SyntaxFactory.IdentifierName("System")),
                        SyntaxFactory.IdentifierName("Threading")),
                    SyntaxFactory.IdentifierName(name))
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        /// <summary>The operation tree's judgement of a write target: is it the variable <paramref name="symbol"/>?</summary>
        public static bool Refers(SemanticModel model, IdentifierNameSyntax name, ISymbol symbol, CancellationToken cancellationToken) =>
            SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, symbol);

        public static IOperation? Unwrap(IOperation? operation) => operation == null ? null : SpawnClassifier.Unwrap(operation);
    }
}
