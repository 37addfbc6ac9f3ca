using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Whether a local or field whose type is not thread-safe only ever holds a thread-safe instance:
    /// <c>static readonly Random random = Random.Shared;</c>, a <c>*.Synchronized(...)</c> wrapper, an instance of a
    /// thread-safe type behind an interface, or another such variable. Every value it is given must be one; a field
    /// must be private or readonly (an auto-property get-only or privately set) so that its assignments are all in its
    /// own type.
    /// </summary>
    internal static class ThreadSafeOrigins
    {
        // Variables initialised from variables: deep enough for real code, bounded against cycles.
        private const int MaxDepth = 4;

        /// <summary>True when every value <paramref name="place"/> (referenced by <paramref name="reference"/>) holds is thread-safe.</summary>
        public static bool HoldsOnlyThreadSafe(ISymbol place, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols) =>
            HoldsOnlyThreadSafe(place, reference, options, symbols, MaxDepth);

        private static bool HoldsOnlyThreadSafe(ISymbol place, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols, int depth)
        {
            if (depth == 0 || reference.SemanticModel == null)
            {
                return false;
            }

            return place switch
            {
                ILocalSymbol local => LocalHoldsOnlyThreadSafe(local, reference, options, symbols, depth),
                IFieldSymbol field => MemberHoldsOnlyThreadSafe(field, field.IsReadOnly || field.DeclaredAccessibility == Accessibility.Private,
                    field.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<VariableDeclaratorSyntax>().FirstOrDefault()?.Initializer, reference, options, symbols, depth),
                IPropertySymbol property => MemberHoldsOnlyThreadSafe(property, property.SetMethod == null || property.SetMethod.DeclaredAccessibility == Accessibility.Private,
                    property.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<PropertyDeclarationSyntax>().FirstOrDefault()?.Initializer, reference, options, symbols, depth),
                _ => false,
            };
        }

        private static bool LocalHoldsOnlyThreadSafe(ILocalSymbol local, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols, int depth)
        {
            var root = Flow.Functions.Root(reference);

            var given = false;
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    var initializer = declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
                    if (initializer == null || !IsThreadSafeValue(initializer.Value, options, symbols, depth))
                    {
                        return false;
                    }

                    given = true;
                }
                else if (operation is ILocalReferenceOperation use && SymbolEqualityComparer.Default.Equals(use.Local, local) && Flow.BranchGuards.IsWrite(use))
                {
                    if (!(use.Parent is ISimpleAssignmentOperation assignment && assignment.Target == use && IsThreadSafeValue(assignment.Value, options, symbols, depth)))
                    {
                        return false;
                    }
                }
            }

            return given;
        }

        /// <summary>
        /// A field or auto-property (<paramref name="ownAssignments"/>: only its own type can assign it) whose initialiser
        /// is thread-safe and which nothing else in its type assigns.
        /// </summary>
        private static bool MemberHoldsOnlyThreadSafe(ISymbol member, bool ownAssignments, EqualsValueClauseSyntax? initializer, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols, int depth)
        {
            var model = reference.SemanticModel!;
            if (!ownAssignments || initializer == null || initializer.SyntaxTree != model.SyntaxTree ||
                !IsThreadSafeValue(model.GetOperation(initializer.Value), options, symbols, depth))
            {
                return false;
            }

            // Any other assignment of a name like the member's in its type counts as a value we cannot vouch for.
            foreach (var type in member.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()))
            {
                foreach (var name in type.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (name.Identifier.ValueText == member.Name && IsAssignedSyntactically(name))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool IsThreadSafeValue(IOperation? value, ThreadSafetyOptions options, KnownSymbols symbols, int depth)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            switch (value)
            {
                case IObjectCreationOperation creation:
                    return !options.IsNotThreadSafe(creation.Type, symbols);
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Synchronized" } wrapper }:
                    // The library's wrappers (ArrayList, Hashtable, TextWriter, Stream, ...) hand back a locked view of
                    // their argument; a method of the user's own code with that name promises nothing.
                    return IsLibrary(wrapper) && wrapper.Parameters.Length >= 1 &&
                        KnownSymbols.DerivesFrom(wrapper.Parameters[0].Type, wrapper.ReturnType.OriginalDefinition as INamedTypeSymbol);
                case IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Shared" } shared }:
                    // A library's shared instance of its own type (Random.Shared, ArrayPool<T>.Shared) is documented
                    // thread-safe; a source property of that name may hand out anything.
                    return IsLibrary(shared) && KnownSymbols.DerivesFrom(shared.ContainingType, shared.Type.OriginalDefinition as INamedTypeSymbol);
                case ILocalReferenceOperation local:
                    return HoldsOnlyThreadSafe(local.Local, local, options, symbols, depth - 1);
                case IFieldReferenceOperation or IPropertyReferenceOperation when Places.SharedObjectOf(value) is { } member and not ILocalSymbol:
                    return HoldsOnlyThreadSafe(member, value, options, symbols, depth - 1);
                default:
                    return false;
            }
        }

        private static bool IsLibrary(ISymbol symbol) => symbol.Locations.All(location => location.IsInMetadata);

        private static bool IsAssignedSyntactically(IdentifierNameSyntax name)
        {
            SyntaxNode node = name;
            if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node)
            {
                node = access;
            }

            return node.Parent switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left == node,
                ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
                PostfixUnaryExpressionSyntax => true,
                _ => false,
            };
        }
    }
}
