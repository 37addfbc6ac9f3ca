using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace ScopeSafety.CodeFixes.RunInScope
{
    internal static class SyntaxHelpers
    {
        /// <summary>Marks the placeholder for the scope parameter; the builder renames it once the free name is known.</summary>
        public static readonly SyntaxAnnotation ScopeNameAnnotation = new SyntaxAnnotation("ScopeSafety.ScopeName");

        public static IdentifierNameSyntax ScopeReference() =>
            SyntaxFactory.IdentifierName("scope").WithAdditionalAnnotations(ScopeNameAnnotation);

        /// <summary>scope.Spawn(work)</summary>
        public static InvocationExpressionSyntax ScopeSpawn(ExpressionSyntax work) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ScopeReference(), SyntaxFactory.IdentifierName("Spawn")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(work))));

        /// <summary>scope.SpawnAsync(work)</summary>
        public static InvocationExpressionSyntax ScopeSpawnAsync(ExpressionSyntax work) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ScopeReference(), SyntaxFactory.IdentifierName("SpawnAsync")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(work))));

        /// <summary>await receiver (the ScopedTask is awaitable), parenthesized where an operand would otherwise bind tighter.</summary>
        public static ExpressionSyntax Await(ExpressionSyntax receiver, SyntaxNode? parent)
        {
            var awaited = SyntaxFactory.AwaitExpression(receiver.WithoutTrivia());
            return parent is MemberAccessExpressionSyntax || parent is ElementAccessExpressionSyntax || parent is ConditionalAccessExpressionSyntax ||
                   parent is PostfixUnaryExpressionSyntax || parent is InvocationExpressionSyntax
                ? SyntaxFactory.ParenthesizedExpression(awaited)
                : (ExpressionSyntax)awaited;
        }

        /// <summary>receiver.Join()</summary>
        public static InvocationExpressionSyntax Join(ExpressionSyntax receiver) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), SyntaxFactory.IdentifierName("Join")));

        /// <summary>A fully qualified name of a ScopeSafety type that the simplifier shortens and the import adder imports.</summary>
        public static NameSyntax ScopeSafetyName(string typeName, TypeArgumentListSyntax? typeArguments = null)
        {
            SimpleNameSyntax right = typeArguments == null
                ? (SimpleNameSyntax)SyntaxFactory.IdentifierName(typeName)
                : SyntaxFactory.GenericName(SyntaxFactory.Identifier(typeName), typeArguments);
            var left = SyntaxFactory.AliasQualifiedName(
                SyntaxFactory.IdentifierName(SyntaxFactory.Token(SyntaxKind.GlobalKeyword)),
                SyntaxFactory.IdentifierName("ScopeSafety"));
            return SyntaxFactory.QualifiedName(left, right)
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        }

        /// <summary>The method, accessor, local function or lambda whose body holds the node.</summary>
        public static SyntaxNode? ContainingFunction(SyntaxNode node)
        {
            for (var current = node.Parent; current != null; current = current.Parent)
            {
                switch (current)
                {
                    case AnonymousFunctionExpressionSyntax _:
                    case LocalFunctionStatementSyntax _:
                    case BaseMethodDeclarationSyntax _:
                    case AccessorDeclarationSyntax _:
                    case ArrowExpressionClauseSyntax arrow when arrow.Parent is PropertyDeclarationSyntax || arrow.Parent is IndexerDeclarationSyntax:
                    case GlobalStatementSyntax _:
                        return current;
                }
            }

            return null;
        }

        public static bool IsAsync(SyntaxNode function) => function switch
        {
            AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
            LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.AsyncKeyword),
            BaseMethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.AsyncKeyword),
            _ => false,
        };

        /// <summary>Every reference to the local inside the function (declaration excluded).</summary>
        public static List<IdentifierNameSyntax> References(SemanticModel model, ILocalSymbol local, SyntaxNode function, CancellationToken cancellationToken)
        {
            var result = new List<IdentifierNameSyntax>();
            foreach (var name in function.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText == local.Name &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local))
                {
                    result.Add(name);
                }
            }

            return result;
        }

        /// <summary>Skips parentheses downward: (((x))) is x.</summary>
        public static ExpressionSyntax WalkDownParentheses(this ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        /// <summary>Skips parentheses upward: the node that really uses the expression.</summary>
        public static SyntaxNode? WalkUpParentheses(SyntaxNode node)
        {
            var parent = node.Parent;
            while (parent is ParenthesizedExpressionSyntax)
            {
                parent = parent.Parent;
            }

            return parent;
        }

        /// <summary>Evaluating the operation twice, later or not at all is unobservable.</summary>
        public static bool IsSideEffectFree(IOperation? operation)
        {
            if (operation == null)
            {
                return true;
            }

            if (operation.ConstantValue.HasValue)
            {
                return true;
            }

            switch (operation)
            {
                case ILiteralOperation _:
                case IDefaultValueOperation _:
                case ITypeOfOperation _:
                case INameOfOperation _:
                case IInstanceReferenceOperation _:
                case ILocalReferenceOperation _:
                case IParameterReferenceOperation _:
                    return true;
                case IConversionOperation conversion:
                    return conversion.OperatorMethod == null && IsSideEffectFree(conversion.Operand);
                case IFieldReferenceOperation field:
                    return IsSideEffectFree(field.Instance);
                default:
                    return false;
            }
        }

        /// <summary>True when the local or parameter is assigned nowhere in the function but its declaration.</summary>
        public static bool IsNeverReassigned(SemanticModel model, ISymbol symbol, SyntaxNode function, CancellationToken cancellationToken)
        {
            foreach (var name in function.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != symbol.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, symbol))
                {
                    continue;
                }

                var parent = WalkUpParentheses(name);
                var written = parent switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left == name || assignment.Left.Contains(name) && assignment.Left is TupleExpressionSyntax,
                    PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
                    PostfixUnaryExpressionSyntax postfix => postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression),
                    ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                    _ => false,
                };
                if (written)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The first of name, name1, name2 … that nothing in or around the region uses.</summary>
        public static string FreeName(SemanticModel model, string name, SyntaxNode position, IEnumerable<SyntaxNode> region)
        {
            var used = new HashSet<string>(region.SelectMany(r => r.DescendantTokens()).Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            foreach (var symbol in model.LookupSymbols(position.SpanStart))
            {
                used.Add(symbol.Name);
            }

            var candidate = name;
            for (var i = 1; used.Contains(candidate); i++)
            {
                candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return candidate;
        }
    }
}
