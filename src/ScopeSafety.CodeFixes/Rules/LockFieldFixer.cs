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
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE010 "Lock a new private object around the field": for a field raced by two work items of one method, adds
    /// <c>private readonly object _countLock = new object();</c> (static for a static field) beside the field and wraps
    /// every statement of the two items that uses the field in <c>lock (_countLock) { … }</c>. Offered only when the
    /// field and the racing code are in this file, the field is named without another object in front of it (its own
    /// or a static of its type), and every use in the two items is a whole statement without await, not already
    /// under a lock, and some use reads the field (where both items only store it, a lock would order the stores, and
    /// which lands last would still race); uses elsewhere (other items, called methods) keep their reports.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockFieldFixer)), Shared]
    public sealed class LockFieldFixer : SingleActionRaceFixer
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE010_LockField";

        /// <summary>Creates the fixer.</summary>
        public LockFieldFixer()
            : base(RuleIds.DataRaceOnCapturedVariable)
        {
        }

        private protected override string Key => EquivalenceKey;

        private protected override string Title(string variable) => "Lock a new private object around every use of '" + variable + "' in the racing work";

        private protected override async Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var wraps = new Dictionary<SyntaxNode, string>();
            var gates = new Dictionary<FieldDeclarationSyntax, (string Name, bool IsStatic)>();
            foreach (var diagnostic in diagnostics)
            {
                if (!(Plan(root, model, RaceFixes.SpawnOptionsOf(document, root.SyntaxTree), diagnostic, cancellationToken) is { } plan))
                {
                    continue;
                }

                if (!gates.TryGetValue(plan.Declaration, out var gate))
                {
                    gate = (FreeName(plan.Field), plan.Field.IsStatic);
                    gates.Add(plan.Declaration, gate);
                }

                foreach (var node in plan.Nodes)
                {
                    wraps[node] = gate.Name;
                }
            }

            var outer = wraps.Keys.Where(n => !wraps.Keys.Any(o => o != n && o.Span.Contains(n.Span))).ToList();
            if (outer.Count == 0)
            {
                return null;
            }

            var endOfLine = FixPipeline.EndOfLine(root);
            var marks = gates.Keys.ToDictionary(declaration => (SyntaxNode)declaration, _ => new SyntaxAnnotation());
            var newRoot = root.ReplaceNodes(outer.Concat(marks.Keys), (original, rewritten) => marks.TryGetValue(original, out var mark)
                ? rewritten.WithAdditionalAnnotations(mark)
                : LockWrapping.Wrap(original, wraps[original], endOfLine));

            // Each lock object goes right after its field.
            foreach (var pair in gates)
            {
                var current = newRoot.GetAnnotatedNodes(marks[pair.Key]).FirstOrDefault();
                if (current == null)
                {
                    return null;
                }

                var modifiers = pair.Value.IsStatic ? "private static readonly" : "private readonly";
                var field = SyntaxFactory.ParseMemberDeclaration(modifiers + " object " + pair.Value.Name + " = new object();")!
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                newRoot = newRoot.InsertNodesAfter(current, new[] { field });
            }

            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        private sealed class FieldPlan
        {
            public FieldPlan(IFieldSymbol field, FieldDeclarationSyntax declaration, List<SyntaxNode> nodes)
            {
                Field = field;
                Declaration = declaration;
                Nodes = nodes;
            }

            public IFieldSymbol Field { get; }

            public FieldDeclarationSyntax Declaration { get; }

            public List<SyntaxNode> Nodes { get; }
        }

        private static FieldPlan? Plan(SyntaxNode root, SemanticModel model, ScopeSafety.Analyzers.Configuration.SpawnOptions options, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.OtherSide, out var side) || side != DiagnosticProperties.OtherSideItem ||
                !(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is IdentifierNameSyntax name) ||
                !(model.GetSymbolInfo(name, cancellationToken).Symbol is IFieldSymbol { IsConst: false } field) ||
                field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree ||
                !(field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: FieldDeclarationSyntax declaration } }) ||
                !(RaceFixes.MemberOf(name) is { } member))
            {
                return null;
            }

            var racing = RaceFixes.RacingBodies(model, member, options, diagnostic, cancellationToken);
            if (racing.Count == 0)
            {
                return null;
            }

            var nodes = new List<SyntaxNode>();
            var onlyStores = true;
            foreach (var body in racing)
            {
                foreach (var use in body.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (use.Identifier.ValueText != field.Name || !RaceFixes.Refers(model, use, field, cancellationToken))
                    {
                        continue;
                    }

                    if (use.Parent is MemberAccessExpressionSyntax access && access.Name == use && !(access.Expression is ThisExpressionSyntax))
                    {
                        // other.count: another object's field, which a lock of this object's does not guard.
                        return null;
                    }

                    var wrap = LockWrapping.WrapTarget(use);
                    if (wrap == null || wrap.DescendantNodesAndSelf().OfType<AwaitExpressionSyntax>().Any() || LockWrapping.InsideAnyLock(wrap))
                    {
                        return null;
                    }

                    onlyStores &= IsPlainStore(use, field, model, cancellationToken);
                    nodes.Add(wrap);
                }
            }

            // Whole stores and nothing else: a lock would only order them, and which one lands last stays a race.
            return nodes.Count > 0 && !onlyStores ? new FieldPlan(field, declaration, nodes) : null;
        }

        /// <summary><c>_x = value;</c> (or <c>this._x = value;</c>) whose value does not read the field.</summary>
        private static bool IsPlainStore(IdentifierNameSyntax use, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        {
            SyntaxNode target = use.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == use ? access : use;
            return target.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && assignment.Left == target &&
                   !assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == field.Name && RaceFixes.Refers(model, n, field, cancellationToken));
        }

        /// <summary>_count → _countLock (a number after it when the type already has that name).</summary>
        private static string FreeName(IFieldSymbol field)
        {
            var taken = new HashSet<string>(field.ContainingType.GetMembers().Select(m => m.Name));
            var name = field.Name + "Lock";
            for (var i = 2; taken.Contains(name); i++)
            {
                name = field.Name + "Lock" + i;
            }

            return name;
        }
    }
}
