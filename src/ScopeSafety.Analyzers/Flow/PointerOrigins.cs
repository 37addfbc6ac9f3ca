using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// Which pointer-like locals (T*, void*, nint, IntPtr) of a function may point into its stack frame or into
    /// memory pinned by a fixed statement. Flow-insensitive: a local that is ever assigned such a value counts.
    /// </summary>
    internal sealed class PointerOrigins
    {
        private readonly KnownSymbols _symbols;

        /// <summary>The tracked locals; the value is the fixed statement that pins the memory, or null for stack memory.</summary>
        private readonly Dictionary<ILocalSymbol, FixedStatementSyntax?> _origins = new Dictionary<ILocalSymbol, FixedStatementSyntax?>(SymbolEqualityComparer.Default);

        private PointerOrigins(KnownSymbols symbols) => _symbols = symbols;

        public static PointerOrigins Compute(IOperation scope, KnownSymbols symbols)
        {
            var origins = new PointerOrigins(symbols);
            var assignments = new List<(ILocalSymbol Target, IOperation Value, FixedStatementSyntax? Fixed)>();
            foreach (var operation in scope.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        var value = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                        if (value != null && origins.IsPointerLike(declarator.Symbol.Type))
                        {
                            var pinned = declarator.Syntax.Parent?.Parent as FixedStatementSyntax;
                            assignments.Add((declarator.Symbol, value, pinned));
                        }

                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } assignment when origins.IsPointerLike(target.Local.Type):
                        assignments.Add((target.Local, assignment.Value, null));
                        break;
                }
            }

            // A fixed pointer is pinned memory whatever its initializer; everything else propagates to a fixpoint.
            foreach (var (target, _, pinned) in assignments)
            {
                if (pinned != null)
                {
                    origins._origins[target] = pinned;
                }
            }

            bool changed;
            var rounds = 0;
            do
            {
                changed = false;
                foreach (var (target, value, pinned) in assignments)
                {
                    if (pinned != null || origins._origins.ContainsKey(target))
                    {
                        continue;
                    }

                    if (origins.TryGetOrigin(value, out var origin))
                    {
                        origins._origins[target] = origin;
                        changed = true;
                    }
                }
            }
            while (changed && ++rounds < 32);

            return origins;
        }

        /// <summary>Whether <paramref name="variable"/> may point into stack or pinned memory; <paramref name="pinnedBy"/> is null for the stack.</summary>
        public bool TryGet(ISymbol variable, out FixedStatementSyntax? pinnedBy)
        {
            pinnedBy = null;
            return variable is ILocalSymbol local && _origins.TryGetValue(local, out pinnedBy);
        }

        private bool IsPointerLike(ITypeSymbol type) =>
            type.TypeKind == TypeKind.Pointer ||
            SymbolEqualityComparer.Default.Equals(type, _symbols.Core.IntPtr) ||
            SymbolEqualityComparer.Default.Equals(type, _symbols.Core.UIntPtr);

        private bool TryGetOrigin(IOperation value, out FixedStatementSyntax? origin)
        {
            origin = null;
            switch (value)
            {
                case IConversionOperation conversion:
                    return TryGetOrigin(conversion.Operand, out origin);
                case IParenthesizedOperation parenthesized:
                    return TryGetOrigin(parenthesized.Operand, out origin);
                case IBinaryOperation binary:
                    return TryGetOrigin(binary.LeftOperand, out origin) || TryGetOrigin(binary.RightOperand, out origin);
                case IIncrementOrDecrementOperation increment:
                    return TryGetOrigin(increment.Target, out origin);
                case IConditionalOperation conditional:
                    return (conditional.WhenTrue != null && TryGetOrigin(conditional.WhenTrue, out origin)) ||
                           (conditional.WhenFalse != null && TryGetOrigin(conditional.WhenFalse, out origin));
                case ILocalReferenceOperation local:
                    return _origins.TryGetValue(local.Local, out origin);
                case IAddressOfOperation addressOf:
                    return IsStackVariable(addressOf.Reference);
                case IInvocationOperation invocation when KnownSymbols.Is(invocation.TargetMethod.ContainingType, _symbols.Core.Unsafe) && invocation.TargetMethod.Name == "AsPointer":
                    return invocation.Arguments.Length == 1 && IsStackVariable(invocation.Arguments[0].Value);
                default:
                    return value.Syntax is StackAllocArrayCreationExpressionSyntax || value.Syntax is ImplicitStackAllocArrayCreationExpressionSyntax ||
                           value.Syntax.IsKind(SyntaxKind.StackAllocArrayCreationExpression);
            }
        }

        /// <summary>A local or by-value parameter, or a field of one that is a struct: storage in the frame.</summary>
        private static bool IsStackVariable(IOperation reference)
        {
            while (reference is IFieldReferenceOperation { Instance: { } instance } && instance.Type?.IsValueType == true)
            {
                reference = instance;
            }

            return reference switch
            {
                ILocalReferenceOperation local => !local.Local.IsRef,
                IParameterReferenceOperation parameter => parameter.Parameter.RefKind == RefKind.None,
                _ => false,
            };
        }
    }
}
