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
using Microsoft.CodeAnalysis.Simplification;
using ScopeSafety.Analyzers;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.CodeFixes.Concurrency;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE010 "Use Interlocked": every write of the int/long variable (or field of this type) in the racing work items (or in a
    /// finalizer and the member it races with) becomes atomic —
    /// x++ → Interlocked.Increment(ref x), x-- → Decrement, x += e → Add(ref x, e), x -= e → Add(ref x, -(e)),
    /// x = e → Exchange(ref x, e). Offered when both sides are work items (the scope body reading a value that is
    /// still changing stays a hazard) and every write there converts; for work left running against the type's members,
    /// when every write of the private int field in the type converts (<see cref="PlanForTypeMember"/>). x = f(x) is a
    /// read-modify-write that Exchange would not make atomic, so it blocks the fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InterlockedFixer)), Shared]
    public sealed class InterlockedFixer : SingleActionRaceFixer
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE010_Interlocked";

        /// <summary>Creates the fixer.</summary>
        public InterlockedFixer()
            : base(RuleIds.DataRaceOnCapturedVariable)
        {
        }

        private protected override string Key => EquivalenceKey;

        private protected override string Title(string variable) => "Use Interlocked for every write of '" + variable + "' in the racing work";

        private protected override async Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                var edits = Plan(root, model, RaceFixes.SpawnOptionsOf(document, root.SyntaxTree), diagnostic, cancellationToken);
                if (edits == null)
                {
                    continue;
                }

                foreach (var edit in edits)
                {
                    replacements[edit.Key] = edit.Value;
                }
            }

            if (replacements.Count == 0)
            {
                return null;
            }

            var newRoot = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The writes to rewrite for one diagnostic, or null when some write cannot be made atomic.</summary>
        private static Dictionary<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, SemanticModel model, SpawnOptions options, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.OtherSide, out var side))
            {
                return null;
            }

            if (side == DiagnosticProperties.OtherSideTypeMember)
            {
                return PlanForTypeMember(root, model, diagnostic, cancellationToken);
            }

            if (!(side == DiagnosticProperties.OtherSideItem || side == DiagnosticProperties.OtherSideMember))
            {
                return null;
            }

            if (!(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is IdentifierNameSyntax name))
            {
                return null;
            }

            var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
            var type = symbol switch
            {
                ILocalSymbol { IsRef: false, IsConst: false } local => local.Type,
                IParameterSymbol { RefKind: RefKind.None } parameter => parameter.Type,
                // A field named without qualification (this one's or a static of this type): Interlocked takes it by ref.
                IFieldSymbol { IsConst: false, IsReadOnly: false, IsVolatile: false } field when name.Parent is not MemberAccessExpressionSyntax => field.Type,
                _ => null,
            };

            if (symbol == null || type == null || !(type.SpecialType == SpecialType.System_Int32 || type.SpecialType == SpecialType.System_Int64))
            {
                return null;
            }

            var member = RaceFixes.MemberOf(name);
            if (member == null)
            {
                return null;
            }

            var racing = side == DiagnosticProperties.OtherSideMember
                ? RaceFixes.FinalizerAndMember(root, member, diagnostic)
                : RaceFixes.RacingBodies(model, member, options, diagnostic, cancellationToken);
            if (racing.Count == 0)
            {
                return null;
            }

            return Edits(racing, symbol, model, cancellationToken);
        }

        /// <summary>
        /// Work left running against the type's other members (a counter a thread method bumps and a property shows): every
        /// write of the private <c>int</c> field in the type becomes atomic, the work's and the members' alike, and the
        /// members' plain reads see a whole value. Only where every part of the type is in this file (no write is left
        /// elsewhere); not for a <c>long</c>, whose plain reads may still tear on a 32-bit process.
        /// </summary>
        private static Dictionary<SyntaxNode, SyntaxNode>? PlanForTypeMember(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var field = RaceFixes.RacingField(root, model, diagnostic, cancellationToken);
            if (field == null || field.IsVolatile || field.DeclaredAccessibility != Accessibility.Private || field.Type.SpecialType != SpecialType.System_Int32 ||
                field.ContainingType.DeclaringSyntaxReferences.Any(part => part.SyntaxTree != root.SyntaxTree))
            {
                return null;
            }

            var parts = field.ContainingType.DeclaringSyntaxReferences.Select(part => part.GetSyntax(cancellationToken)).ToList();
            return Edits(parts, field, model, cancellationToken);
        }

        /// <summary>The atomic rewrite of every write of <paramref name="symbol"/> in <paramref name="racing"/>; null when one cannot be made atomic.</summary>
        private static Dictionary<SyntaxNode, SyntaxNode>? Edits(List<SyntaxNode> racing, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
        {
            var edits = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var body in racing)
            {
                foreach (var reference in body.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (reference.Identifier.ValueText != symbol.Name || !RaceFixes.Refers(model, reference, symbol, cancellationToken))
                    {
                        continue;
                    }

                    if (reference.Parent is MemberAccessExpressionSyntax qualified && qualified.Name == reference)
                    {
                        // this.count or C.count: not rewritten here, so the fix would leave a racing write behind.
                        return null;
                    }

                    var (write, replacement) = Rewrite(reference, symbol, model, cancellationToken);
                    if (!write)
                    {
                        continue;
                    }

                    if (replacement == null || ReadBackAfter(reference, symbol, model, cancellationToken))
                    {
                        return null;
                    }

                    edits[replacement.Value.Original] = replacement.Value.New;
                }
            }

            return edits.Count > 0 ? edits : null;
        }

        /// <summary>
        /// The function that writes the variable at <paramref name="write"/> reads it back later (<c>_errorNum = Open(…);
        /// ThrowIfError(…);</c> with <c>ThrowIfError</c> testing <c>_errorNum</c>, itself or through a method of the type it
        /// calls there): it means to read its own write, which another side's write between the two replaces, atomic or
        /// not. Making the writes atomic would end the report and leave that.
        /// </summary>
        private static bool ReadBackAfter(IdentifierNameSyntax write, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
        {
            var function = RaceFixes.FunctionOf(write);
            if (function == null)
            {
                return false;
            }

            var statement = write.Ancestors().OfType<StatementSyntax>().FirstOrDefault();
            var after = statement?.Span.End ?? write.Span.End;
            foreach (var node in function.DescendantNodes().Where(node => node.SpanStart >= after))
            {
                if (node is IdentifierNameSyntax name && name.Identifier.ValueText == symbol.Name && RaceFixes.Refers(model, name, symbol, cancellationToken) &&
                    !Rewrite(name, symbol, model, cancellationToken).IsWrite)
                {
                    return true;
                }

                if (node is InvocationExpressionSyntax call && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method &&
                    SymbolEqualityComparer.Default.Equals(method.ContainingType, symbol.ContainingType) &&
                    method.DeclaringSyntaxReferences.Any(part => part.SyntaxTree == write.SyntaxTree && part.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>()
                        .Any(name => name.Identifier.ValueText == symbol.Name && RaceFixes.Refers(model, name, symbol, cancellationToken) && !Rewrite(name, symbol, model, cancellationToken).IsWrite)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether the reference is a write, and its atomic replacement (null when the write cannot be converted).</summary>
        private static (bool IsWrite, (SyntaxNode Original, SyntaxNode New)? Replacement) Rewrite(IdentifierNameSyntax reference, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
        {
            SyntaxNode target = reference;
            while (target.Parent is ParenthesizedExpressionSyntax)
            {
                target = target.Parent;
            }

            var parent = target.Parent;
            switch (parent)
            {
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                {
                    var increment = postfix.IsKind(SyntaxKind.PostIncrementExpression);
                    ExpressionSyntax call = Call(increment ? "Increment" : "Decrement", reference);
                    if (IsValueUsed(postfix, model, cancellationToken))
                    {
                        // x++ yields the old value: the new one minus one.
                        call = SyntaxFactory.ParenthesizedExpression(SyntaxFactory.BinaryExpression(
                                increment ? SyntaxKind.SubtractExpression : SyntaxKind.AddExpression,
                                call,
                                SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1))))
                            .WithAdditionalAnnotations(Simplifier.Annotation);
                    }

                    return (true, (postfix, call.WithTriviaFrom(postfix)));
                }

                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                    return (true, (prefix, Call(prefix.IsKind(SyntaxKind.PreIncrementExpression) ? "Increment" : "Decrement", reference).WithTriviaFrom(prefix)));

                case AssignmentExpressionSyntax assignment when assignment.Left == target:
                    switch (assignment.Kind())
                    {
                        case SyntaxKind.AddAssignmentExpression:
                            return (true, (assignment, Call("Add", reference, assignment.Right.WithoutTrivia()).WithTriviaFrom(assignment)));
                        case SyntaxKind.SubtractAssignmentExpression:
                            var negated = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression,
                                SyntaxFactory.ParenthesizedExpression(assignment.Right.WithoutTrivia()).WithAdditionalAnnotations(Simplifier.Annotation));
                            return (true, (assignment, Call("Add", reference, negated).WithTriviaFrom(assignment)));
                        case SyntaxKind.SimpleAssignmentExpression:
                            // Exchange returns the old value where the assignment yields the new one; and x = f(x) stays a lost update.
                            var readsItself = assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                                .Any(n => n.Identifier.ValueText == symbol.Name && RaceFixes.Refers(model, n, symbol, cancellationToken));
                            if (readsItself || IsValueUsed(assignment, model, cancellationToken))
                            {
                                return (true, null);
                            }

                            return (true, (assignment, Call("Exchange", reference, assignment.Right.WithoutTrivia()).WithTriviaFrom(assignment)));
                        default:
                            return (true, null);
                    }

                case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None):
                    // Already atomic, as the analyzer decides it (Interlocked/Volatile): nothing to do. Any other ref/out
                    // use cannot be converted.
                    var atomic = model.GetOperation(reference, cancellationToken) is { } operation &&
                                 Analyzers.Concurrency.Locks.IsAtomic(operation, KnownSymbols.Get(model.Compilation));
                    return atomic ? (false, null) : (true, null);

                default:
                    return (false, null);
            }
        }

        private static ExpressionSyntax Call(string method, IdentifierNameSyntax variable, params ExpressionSyntax[] more)
        {
            var arguments = new List<ArgumentSyntax>
            {
                SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), SyntaxFactory.IdentifierName(variable.Identifier.ValueText)),
            };
            arguments.AddRange(more.Select(SyntaxFactory.Argument));
            return SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, RaceFixes.ThreadingType("Interlocked"), SyntaxFactory.IdentifierName(method)),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>
        /// Whether the value of the expression is used: not for a statement, a for incrementor, the expression body of a
        /// member that returns nothing, or the body of a lambda whose delegate returns void or whose spawn's result is
        /// thrown away (scope.Spawn(() => x++);).
        /// </summary>
        private static bool IsValueUsed(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        {
            SyntaxNode node = expression;
            while (node.Parent is ParenthesizedExpressionSyntax)
            {
                node = node.Parent;
            }

            switch (node.Parent)
            {
                case ExpressionStatementSyntax _:
                    return false;
                case ForStatementSyntax forStatement when forStatement.Incrementors.Contains(node):
                    return false;
                case ArrowExpressionClauseSyntax arrow:
                    // void Reset() => _count = 0; a setter, a constructor or a void local function written the same way.
                    return !(arrow.Parent is ConstructorDeclarationSyntax ||
                             arrow.Parent is AccessorDeclarationSyntax { Keyword.ValueText: "set" or "init" or "add" or "remove" } ||
                             arrow.Parent is MethodDeclarationSyntax { ReturnType: PredefinedTypeSyntax method } && method.Keyword.IsKind(SyntaxKind.VoidKeyword) ||
                             arrow.Parent is LocalFunctionStatementSyntax { ReturnType: PredefinedTypeSyntax local } && local.Keyword.IsKind(SyntaxKind.VoidKeyword));
                case LambdaExpressionSyntax lambda when lambda.ExpressionBody == node:
                    if (model.GetTypeInfo(lambda, cancellationToken).ConvertedType is INamedTypeSymbol { DelegateInvokeMethod: { ReturnsVoid: true } })
                    {
                        return false;
                    }

                    return !(lambda.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } } });
                default:
                    return true;
            }
        }
    }
}
