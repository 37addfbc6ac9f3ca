using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// What instances a local, field or auto-property holds, when its type does not say: every value it is given is a
    /// thread-safe instance (<c>static readonly Random random = Random.Shared;</c>, a <c>*.Synchronized(...)</c> wrapper,
    /// an instance of a thread-safe type behind an interface), or every one is of a type that is not
    /// (<c>IList&lt;int&gt; items = new List&lt;int&gt;();</c>, <c>_map = new Dictionary&lt;K, V&gt;();</c> in a constructor,
    /// <c>ToList()</c>), also through another such variable. A field must be private or readonly (an auto-property get-only
    /// or privately set) so that its assignments are all in its own type, and each of them must be a plain assignment in
    /// the file at hand.
    /// </summary>
    internal static class ThreadSafeOrigins
    {
        // Variables initialised from variables: deep enough for real code, bounded against cycles.
        private const int MaxDepth = 4;

        /// <summary>True when every value <paramref name="place"/> (referenced by <paramref name="reference"/>) holds is thread-safe.</summary>
        public static bool HoldsOnlyThreadSafe(ISymbol place, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols) =>
            HoldsOnly(place, reference, options, symbols, MaxDepth, threadSafe: true);

        /// <summary>True when every value <paramref name="place"/> holds is of a type that is not thread-safe.</summary>
        public static bool HoldsOnlyNotThreadSafe(ISymbol place, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols) =>
            HoldsOnly(place, reference, options, symbols, MaxDepth, threadSafe: false);

        private static bool HoldsOnly(ISymbol place, IOperation reference, ThreadSafetyOptions options, KnownSymbols symbols, int depth, bool threadSafe) =>
            depth > 0 && ValuesOf(place, reference) is { Count: > 0 } values &&
            values.All(value => threadSafe ? IsThreadSafeValue(value, options, symbols, depth) : IsNotThreadSafeValue(value, options, symbols, depth));

        /// <summary>Every value <paramref name="place"/> is given; null when some write is not a plain assignment we can read.</summary>
        private static List<IOperation?>? ValuesOf(ISymbol place, IOperation reference)
        {
            if (reference.SemanticModel == null)
            {
                return null;
            }

            return place switch
            {
                ILocalSymbol local => LocalValues(local, reference),
                IFieldSymbol field => MemberValues(field, field.IsReadOnly || field.DeclaredAccessibility == Accessibility.Private,
                    field.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<VariableDeclaratorSyntax>().FirstOrDefault()?.Initializer, reference),
                IPropertySymbol property => MemberValues(property, property.SetMethod == null || property.SetMethod.DeclaredAccessibility == Accessibility.Private,
                    property.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<PropertyDeclarationSyntax>().FirstOrDefault()?.Initializer, reference),
                _ => null,
            };
        }

        private static List<IOperation?>? LocalValues(ILocalSymbol local, IOperation reference)
        {
            var values = new List<IOperation?>();
            foreach (var operation in Flow.LocalMentions.Of(local, reference))
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    var initializer = declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
                    if (initializer == null)
                    {
                        // Declared without a value: only its assignments count.
                        continue;
                    }

                    values.Add(initializer.Value);
                }
                else if (operation is ILocalReferenceOperation use && SymbolEqualityComparer.Default.Equals(use.Local, local) && Flow.BranchGuards.IsWrite(use))
                {
                    if (!(use.Parent is ISimpleAssignmentOperation assignment && assignment.Target == use))
                    {
                        return null;
                    }

                    values.Add(assignment.Value);
                }
            }

            return values;
        }

        /// <summary>
        /// The initialiser of a field or auto-property that only its own type can assign (<paramref name="ownAssignments"/>),
        /// and the value of every assignment of a name like the member's in its type, each a plain assignment in this file.
        /// </summary>
        private static List<IOperation?>? MemberValues(ISymbol member, bool ownAssignments, EqualsValueClauseSyntax? initializer, IOperation reference)
        {
            var model = reference.SemanticModel!;
            if (!ownAssignments || (initializer != null && initializer.SyntaxTree != model.SyntaxTree))
            {
                return null;
            }

            var values = new List<IOperation?>();
            if (initializer != null)
            {
                values.Add(model.GetOperation(initializer.Value));
            }

            foreach (var type in member.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()))
            {
                foreach (var name in NamesIn(type, member.Name))
                {
                    if (!IsAssignedSyntactically(name))
                    {
                        continue;
                    }

                    SyntaxNode target = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                    if (!(target.Parent is AssignmentExpressionSyntax assignment) || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) ||
                        assignment.SyntaxTree != model.SyntaxTree)
                    {
                        return null;
                    }

                    values.Add(model.GetOperation(assignment.Right));
                }
            }

            return values;
        }

        // The identifiers of a type's declaration by name, read once per declaration: each field and property asked about
        // would otherwise read the whole type again.
        private static readonly ConditionalWeakTable<SyntaxNode, Dictionary<string, List<IdentifierNameSyntax>>> Names =
            new ConditionalWeakTable<SyntaxNode, Dictionary<string, List<IdentifierNameSyntax>>>();

        private static readonly List<IdentifierNameSyntax> NoNames = new List<IdentifierNameSyntax>();

        private static List<IdentifierNameSyntax> NamesIn(SyntaxNode type, string name) =>
            Names.GetValue(type, declaration =>
            {
                var byName = new Dictionary<string, List<IdentifierNameSyntax>>();
                foreach (var identifier in declaration.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    var text = identifier.Identifier.ValueText;
                    if (!byName.TryGetValue(text, out var named))
                    {
                        named = new List<IdentifierNameSyntax>();
                        byName.Add(text, named);
                    }

                    named.Add(identifier);
                }

                return byName;
            }).TryGetValue(name, out var names) ? names : NoNames;

        private static bool IsThreadSafeValue(IOperation? value, ThreadSafetyOptions options, KnownSymbols symbols, int depth)
        {
            value = WithoutImplicitConversions(value);
            switch (value)
            {
                case IObjectCreationOperation creation:
                    return !options.IsNotThreadSafe(creation.Type, symbols);
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Synchronized" } wrapper }:
                    // The library's wrappers (ArrayList, Hashtable, TextWriter, Stream, ...) hand back a locked view of
                    // their argument; a method of the user's own code with that name promises nothing.
                    return KnownSymbols.IsLibrary(wrapper) && wrapper.Parameters.Length >= 1 &&
                        KnownSymbols.DerivesFrom(wrapper.Parameters[0].Type, wrapper.ReturnType.OriginalDefinition as INamedTypeSymbol);
                case IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Shared" } shared }:
                    // A library's shared instance of its own type (Random.Shared, ArrayPool<T>.Shared) is documented
                    // thread-safe; a source property of that name may hand out anything.
                    return KnownSymbols.IsLibrary(shared) && KnownSymbols.DerivesFrom(shared.ContainingType, shared.Type.OriginalDefinition as INamedTypeSymbol);
                default:
                    return VariableOf(value) is { } variable && HoldsOnly(variable, value!, options, symbols, depth - 1, threadSafe: true);
            }
        }

        // A value whose own type is not thread-safe (new List<int>(), list.ToList()), a Lazy<T> made without thread safety,
        // or a variable that only holds such.
        private static bool IsNotThreadSafeValue(IOperation? value, ThreadSafetyOptions options, KnownSymbols symbols, int depth)
        {
            value = WithoutImplicitConversions(value);
            return value != null &&
                   (options.IsNotThreadSafe(value.Type, symbols) || IsUnsafeLazy(value) ||
                    VariableOf(value) is { } variable && HoldsOnly(variable, value, options, symbols, depth - 1, threadSafe: false));
        }

        /// <summary>
        /// <c>new Lazy&lt;T&gt;(factory, isThreadSafe: false)</c> or <c>(…, LazyThreadSafetyMode.None)</c>: its first
        /// <c>Value</c> runs the factory and stores the result with no synchronisation at all (see <see cref="ObjectUses"/>).
        /// </summary>
        public static bool IsUnsafeLazy(IOperation value) =>
            value is IObjectCreationOperation creation && KnownSymbols.IsLazy(creation.Type) &&
            creation.Arguments.Any(argument =>
                argument.Parameter?.Name == "isThreadSafe" && argument.Value.ConstantValue is { HasValue: true, Value: false } ||
                argument.Parameter?.Name == "mode" && argument.Value.ConstantValue is { HasValue: true, Value: 0 });

        private static IOperation? WithoutImplicitConversions(IOperation? value)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            return value;
        }

        private static ISymbol? VariableOf(IOperation? value) => value switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation or IPropertyReferenceOperation when Places.SharedObjectOf(value) is { } member and not ILocalSymbol => member,
            _ => null,
        };

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
