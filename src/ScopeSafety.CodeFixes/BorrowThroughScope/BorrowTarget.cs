using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.CodeFixes.RunInScope;

namespace ScopeSafety.CodeFixes.BorrowThroughScope
{
    /// <summary>How the variable is handed to Scope.Run, and how the work reaches it afterwards.</summary>
    internal enum BorrowKind
    {
        /// <summary>A Span&lt;T&gt; or ReadOnlySpan&lt;T&gt; local or parameter: Scope.Run(span, …), used as borrowed.Span.</summary>
        Span,

        /// <summary>A ref local or ref parameter: Scope.Run(ref x, …), used as borrowed.Value.</summary>
        Ref,
    }

    /// <summary>A variable a lambda cannot capture (CS8175, CS9108, CS1628) that Scope.Run can borrow.</summary>
    internal sealed class BorrowTarget
    {
        private BorrowTarget(ISymbol symbol, BorrowKind kind, SyntaxNode function)
        {
            Symbol = symbol;
            Kind = kind;
            Function = function;
        }

        public ISymbol Symbol { get; }

        public BorrowKind Kind { get; }

        /// <summary>The method, local function or lambda that declares the variable.</summary>
        public SyntaxNode Function { get; }

        public string Name => Symbol.Name;

        public string Member => Kind == BorrowKind.Span ? "Span" : "Value";

        /// <summary>
        /// The variable, when Scope.Run can borrow it faithfully: a span of an unmanaged type, or a ref (not in, out or
        /// ref readonly: Run needs a writable reference to a definitely assigned variable) to an unmanaged type.
        /// </summary>
        public static BorrowTarget? Create(ISymbol? symbol, Compilation compilation, CancellationToken cancellationToken)
        {
            ITypeSymbol type;
            bool isRef;
            switch (symbol)
            {
                case ILocalSymbol local:
                    type = local.Type;
                    isRef = local.IsRef;
                    if (isRef && local.RefKind != RefKind.Ref)
                    {
                        return null;
                    }

                    break;
                case IParameterSymbol parameter when !parameter.IsThis && !parameter.IsParams:
                    type = parameter.Type;
                    isRef = parameter.RefKind != RefKind.None;
                    if (isRef && parameter.RefKind != RefKind.Ref || parameter.ScopedKind != ScopedKind.None && !isRef)
                    {
                        return null;
                    }

                    break;
                default:
                    return null;
            }

            BorrowKind kind;
            if (isRef)
            {
                if (!type.IsUnmanagedType || type.IsRefLikeType)
                {
                    return null;
                }

                kind = BorrowKind.Ref;
            }
            else if (IsSpan(type, compilation, out var element) && element.IsUnmanagedType && !(element is ITypeParameterSymbol { HasUnmanagedTypeConstraint: false }))
            {
                kind = BorrowKind.Span;
            }
            else
            {
                return null;
            }

            var declaration = symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            var function = declaration == null ? null : RunInScope.SyntaxHelpers.ContainingFunction(declaration);
            if (declaration is ParameterSyntax && declaration.Parent?.Parent is { } owner &&
                (owner is BaseMethodDeclarationSyntax || owner is LocalFunctionStatementSyntax || owner is AnonymousFunctionExpressionSyntax))
            {
                function = owner;
            }

            return function == null ? null : new BorrowTarget(symbol, kind, function);
        }

        private static bool IsSpan(ITypeSymbol type, Compilation compilation, out ITypeSymbol element)
        {
            element = type;
            if (type is INamedTypeSymbol { TypeArguments: { Length: 1 } arguments } named &&
                (KnownSymbols.Is(named, KnownSymbols.Get(compilation).Core.Span) || KnownSymbols.Is(named, KnownSymbols.Get(compilation).Core.ReadOnlySpan)))
            {
                element = arguments[0];
                return true;
            }

            return false;
        }

        /// <summary>Every reference to the variable inside <paramref name="within"/>.</summary>
        public List<IdentifierNameSyntax> References(SemanticModel model, SyntaxNode within, CancellationToken cancellationToken) =>
            within.DescendantNodes()
                .OfType<IdentifierNameSyntax>()
                .Where(n => n.Identifier.ValueText == Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, Symbol))
                .ToList();

        /// <summary>
        /// Whether a reference can become borrowed.Span / borrowed.Value with the same meaning: a span must not be
        /// reassigned or passed by reference (borrowed.Span is a value), a ref must not be re-pointed.
        /// </summary>
        public bool CanReplace(IdentifierNameSyntax reference)
        {
            var use = RunInScope.SyntaxHelpers.WalkUpParentheses(reference);
            if (use is AssignmentExpressionSyntax assignment && assignment.Left.WalkDownParentheses() == reference)
            {
                return Kind == BorrowKind.Ref && !(assignment.Right is RefExpressionSyntax);
            }

            if (use is ArgumentSyntax argument && argument.RefKindKeyword != default)
            {
                return Kind == BorrowKind.Ref && !argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword);
            }

            if (use is RefExpressionSyntax || use is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression })
            {
                return false;
            }

            return !(use is PostfixUnaryExpressionSyntax || use is PrefixUnaryExpressionSyntax prefix && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression))) ||
                   Kind == BorrowKind.Ref;
        }
    }
}
