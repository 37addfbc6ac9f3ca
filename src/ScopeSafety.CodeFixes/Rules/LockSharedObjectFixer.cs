using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using ScopeSafety.Analyzers;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.CodeFixes.Concurrency;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE011 "Lock the object around every use": wraps each statement that uses the object inside the work items
    /// of the member — and the racing use in the code that spawned them — in <c>lock (obj) { … }</c>, so mutations and
    /// reads are all under one lock. Offered only when the object is a local or parameter never reassigned, or a
    /// readonly field (locking a variable that changes locks different objects), and every such use is a whole
    /// statement without await (or a void lambda's expression body), not already under another lock.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockSharedObjectFixer)), Shared]
    public sealed class LockSharedObjectFixer : ScopeCodeFixProvider
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE011_Lock";

        /// <summary>The equivalence key of the second action: a concurrent collection instead of the lock.</summary>
        public const string ConcurrentCollectionKey = "SCOPE011_ConcurrentCollection";

        /// <summary>Creates the fixer.</summary>
        public LockSharedObjectFixer()
            : base(RuleIds.NonThreadSafeObjectSharedByConcurrentWork)
        {
        }

        private protected override bool FixesAllTogether => true;

        private protected override async Task<Document?> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken) =>
            equivalenceKey == ConcurrentCollectionKey
                ? await ConcurrentCollectionFix.FixAsync(document, diagnostics, cancellationToken).ConfigureAwait(false)
                : await FixAsync(document, diagnostics, cancellationToken).ConfigureAwait(false);

        private protected override async Task RegisterAsync(FixRequest request)
        {
            foreach (var diagnostic in request.Diagnostics)
            {
                var name = RaceFixes.VariableOf(diagnostic, "the object");
                var fixedDocument = await FixAsync(request.Document, ImmutableArray.Create(diagnostic), request.CancellationToken).ConfigureAwait(false);
                if (fixedDocument != null)
                {
                    request.Offer("Lock '" + name + "' around every concurrent use", fixedDocument, EquivalenceKey, diagnostic);
                }

                var concurrent = await ConcurrentCollectionFix.FixAsync(request.Document, ImmutableArray.Create(diagnostic), request.CancellationToken).ConfigureAwait(false);
                if (concurrent != null)
                {
                    request.Offer("Make '" + name + "' a concurrent collection", concurrent, ConcurrentCollectionKey, diagnostic);
                }
            }
        }

        private static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return null;
            }

            // What to wrap, and the lock object's name for it.
            var wraps = new Dictionary<SyntaxNode, string>();
            foreach (var diagnostic in diagnostics)
            {
                var planned = Plan(root, model, RaceFixes.SpawnOptionsOf(document, root.SyntaxTree), diagnostic, cancellationToken);
                if (planned == null)
                {
                    continue;
                }

                foreach (var node in planned.Value.Nodes)
                {
                    wraps[node] = planned.Value.LockName;
                }
            }

            // A statement inside another statement being wrapped is locked by the outer one already.
            var outer = wraps.Keys.Where(n => !wraps.Keys.Any(o => o != n && o.Span.Contains(n.Span))).ToList();
            if (outer.Count == 0)
            {
                return null;
            }

            var endOfLine = FixPipeline.EndOfLine(root);
            var newRoot = root.ReplaceNodes(outer, (original, _) => LockWrapping.Wrap(original, wraps[original], endOfLine));
            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        private static (List<SyntaxNode> Nodes, string LockName)? Plan(SyntaxNode root, SemanticModel model, SpawnOptions options, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var name = node as IdentifierNameSyntax ?? (node as MemberAccessExpressionSyntax)?.Expression as IdentifierNameSyntax;
            if (name == null)
            {
                return null;
            }

            var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
            if (symbol is IMethodSymbol)
            {
                // Work started as a method (new Thread(Loop)) is reported at the method; the analyzer names the field.
                symbol = RaceFixes.NamedField(model, diagnostic);
            }

            var member = RaceFixes.MemberOf(name);
            if (symbol == null || member == null || !IsStable(symbol, model, member, cancellationToken))
            {
                return null;
            }

            var bodies = RaceFixes.WorkBodies(model, member, options, cancellationToken);
            var uses = new List<IdentifierNameSyntax>();
            foreach (var body in bodies)
            {
                uses.AddRange(References(body, symbol, model, cancellationToken));
            }

            diagnostic.Properties.TryGetValue(DiagnosticProperties.OtherSide, out var side);
            if ((side == DiagnosticProperties.OtherSideBody || side == DiagnosticProperties.OtherSideTypeMember || side == DiagnosticProperties.OtherSideCaller) &&
                diagnostic.AdditionalLocations.Count > DiagnosticProperties.ConflictLocation)
            {
                if (diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation].SourceTree != root.SyntaxTree)
                {
                    // The other member is in another file: locking only this side would leave the race.
                    return null;
                }

                var hostUse = root.FindNode(diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation].SourceSpan, getInnermostNodeForTie: true);
                var hostName = hostUse as IdentifierNameSyntax ?? hostUse.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().FirstOrDefault();
                if (hostName != null)
                {
                    uses.Add(hostName);
                }
            }

            if (side == DiagnosticProperties.OtherSideTypeMember ||
                (diagnostic.Properties.TryGetValue(DiagnosticProperties.BesideMembers, out var beside) && beside == "true"))
            {
                // Work left running meets whatever member the type's users call next: the report names the first (or
                // the work's own race first), the lock goes around the uses in all of them.
                if (!(MemberUses(root, model, symbol, cancellationToken) is { } others))
                {
                    return null;
                }

                uses.AddRange(others);
            }

            var nodes = new List<SyntaxNode>();
            foreach (var use in uses.Distinct())
            {
                if (IsLockedOn(use, symbol, model, cancellationToken))
                {
                    continue;
                }

                var wrap = LockWrapping.WrapTarget(use);
                if (wrap == null || wrap.DescendantNodesAndSelf().OfType<AwaitExpressionSyntax>().Any() || LockWrapping.InsideAnyLock(wrap))
                {
                    return null;
                }

                nodes.Add(wrap);
            }

            var lockName = symbol is IFieldSymbol { IsStatic: false } && name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
                ? "this." + symbol.Name
                : symbol.Name;
            return nodes.Count > 0 ? (nodes, lockName) : null;
        }

        /// <summary>
        /// The uses of a field in the members of its type that its users may call while the work runs
        /// (<see cref="RaceFixes.RunsBesideOtherMembers"/>). Null when the type has a part in another file, whose uses this
        /// fix cannot reach, or when a member uses another instance's object.
        /// </summary>
        private static List<IdentifierNameSyntax>? MemberUses(SyntaxNode root, SemanticModel model, ISymbol symbol, CancellationToken cancellationToken)
        {
            if (!(symbol is IFieldSymbol field) || field.ContainingType.DeclaringSyntaxReferences.Any(part => part.SyntaxTree != root.SyntaxTree))
            {
                return null;
            }

            var uses = new List<IdentifierNameSyntax>();
            foreach (var part in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var use in References(part.GetSyntax(cancellationToken), symbol, model, cancellationToken))
                {
                    if (use.Parent is MemberAccessExpressionSyntax access && access.Name == use && !(access.Expression is ThisExpressionSyntax) && !field.IsStatic)
                    {
                        // other._items: another instance's object, which a lock on this one's does not guard.
                        return null;
                    }

                    if (RaceFixes.RunsBesideOtherMembers(use, model, cancellationToken))
                    {
                        uses.Add(use);
                    }
                }
            }

            return uses;
        }

        private static IEnumerable<IdentifierNameSyntax> References(SyntaxNode body, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken) =>
            body.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(n => n.Identifier.ValueText == symbol.Name && RaceFixes.Refers(model, n, symbol, cancellationToken));

        private static bool IsLockedOn(SyntaxNode use, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var ancestor in use.Ancestors())
            {
                if (ancestor is AnonymousFunctionExpressionSyntax || ancestor is MemberDeclarationSyntax)
                {
                    return false;
                }

                if (ancestor is LockStatementSyntax lockStatement &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(lockStatement.Expression, cancellationToken).Symbol, symbol))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Locking on the variable locks one object only when the variable never changes.</summary>
        private static bool IsStable(ISymbol symbol, SemanticModel model, SyntaxNode member, CancellationToken cancellationToken)
        {
            switch (symbol)
            {
                case IFieldSymbol field:
                    return LockWrapping.IsStableLockField(field);
                case ILocalSymbol local when !local.IsRef && !local.Type.IsValueType:
                case IParameterSymbol { RefKind: RefKind.None } parameter when !parameter.Type.IsValueType:
                    foreach (var reference in member.DescendantNodes().OfType<IdentifierNameSyntax>())
                    {
                        if (reference.Identifier.ValueText != symbol.Name || !RaceFixes.Refers(model, reference, symbol, cancellationToken))
                        {
                            continue;
                        }

                        var operation = model.GetOperation(reference, cancellationToken);
                        if (operation == null || ScopeSafety.Analyzers.Spawns.AccessCollector.Kind(operation).Write)
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }
    }
}
