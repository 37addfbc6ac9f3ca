using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// Which argument of an object creation a member of the new object holds for good: the constructor stores it there
    /// (<c>_items = items;</c>, also <c>items ?? throw …</c>), and nothing else can write the member afterwards (a
    /// <c>readonly</c> field, a private field that only constructors assign, or a get-only auto-property), or it is a
    /// primary constructor's parameter that no code of the type assigns. Two workers made with one list (<c>new Worker(list)</c> twice) then share that list.
    /// </summary>
    internal static class ConstructorArguments
    {
        /// <summary>The argument of <paramref name="creation"/> that <paramref name="member"/> holds, or null when that is not certain.</summary>
        public static IOperation? StoredIn(IObjectCreationOperation creation, ISymbol member)
        {
            if (!(creation.Constructor is { } constructor) || member.IsStatic ||
                !SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, constructor.ContainingType.OriginalDefinition))
            {
                return null;
            }

            // Which parameter holds the member depends on the constructor alone, and every access through the object asks.
            var parameters = StoringParameters.GetValue(constructor.OriginalDefinition,
                _ => new System.Collections.Concurrent.ConcurrentDictionary<ISymbol, IParameterSymbol?>(SymbolEqualityComparer.Default));
            var parameter = parameters.GetOrAdd(member.OriginalDefinition,
                _ => member is IParameterSymbol primary ? PrimaryParameterNeverAssigned(primary, constructor) : StoringParameter(creation, constructor, member));
            return parameter == null ? null : ArgumentFor(creation, parameter);
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, System.Collections.Concurrent.ConcurrentDictionary<ISymbol, IParameterSymbol?>> StoringParameters =
            new System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, System.Collections.Concurrent.ConcurrentDictionary<ISymbol, IParameterSymbol?>>();

        private static IParameterSymbol? PrimaryParameterNeverAssigned(IParameterSymbol parameter, IMethodSymbol constructor)
        {
            if (!SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, constructor.OriginalDefinition))
            {
                return null;
            }

            foreach (var part in constructor.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var assignment in part.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    if (assignment.Left is IdentifierNameSyntax name && name.Identifier.ValueText == parameter.Name)
                    {
                        return null;
                    }
                }
            }

            return parameter;
        }

        // The constructor's parameter that its body stores, once, in a member no other code can write.
        private static IParameterSymbol? StoringParameter(IObjectCreationOperation creation, IMethodSymbol constructor, ISymbol member)
        {
            var writtenOnlyInConstructors = member is IFieldSymbol { IsReadOnly: true } ||
                                            member is IFieldSymbol { DeclaredAccessibility: Accessibility.Private } field && OnlyConstructorsWrite(field) ||
                                            member is IPropertySymbol { SetMethod: null } property && MemberAccesses.IsAutoProperty(property);
            if (!writtenOnlyInConstructors || !(SourceCallees.BodyOf(constructor, creation, anyFile: true) is { } body) ||
                body.Syntax is ConstructorDeclarationSyntax { Initializer: { ThisOrBaseKeyword.ValueText: "this" } })
            {
                // A constructor that calls another one of its type (: this(…)) may store the member there.
                return null;
            }

            IParameterSymbol? stored = null;
            foreach (var assignment in body.Descendants().OfType<ISimpleAssignmentOperation>())
            {
                var target = SpawnClassifier.Unwrap(assignment.Target);
                if (!(target is IMemberReferenceOperation reference && reference.Instance is { } instance && Places.IsThis(instance) &&
                      SymbolEqualityComparer.Default.Equals(reference.Member.OriginalDefinition, member.OriginalDefinition)))
                {
                    continue;
                }

                var value = SpawnClassifier.Unwrap(assignment.Value);
                if (value is ICoalesceOperation orThrow && SpawnClassifier.Unwrap(orThrow.WhenNull) is IThrowOperation)
                {
                    value = SpawnClassifier.Unwrap(orThrow.Value);
                }

                if (stored != null || !(value is IParameterReferenceOperation { Parameter: var parameter }) ||
                    !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, constructor.OriginalDefinition))
                {
                    return null;
                }

                stored = parameter;
            }

            return stored;
        }

        // A member that only constructors of its type assign (Cell cell; set in CellProd(Cell box)): readonly in all but name
        // for the type's own code. Its initializer runs before them; a ref to it may store anything anywhere.
        private static bool OnlyConstructorsWrite(ISymbol member) =>
            Locks.ValuesStoredIn(member).All(value => value != null && (value.Parent is EqualsValueClauseSyntax || value.Ancestors().Any(a => a is ConstructorDeclarationSyntax)));

        /// <summary>
        /// The value an object initializer gives <paramref name="member"/> of the one object <paramref name="holder"/> ever
        /// holds (<c>var box = new Box { Value = item };</c>), where no code can store another there afterwards: the member
        /// is an init-only auto-property, or its type's own code stores it only in constructors, and the holder never lets
        /// the object go (each mention of it reads or calls a member of it) nor stores the member itself. Null otherwise,
        /// and for a member of a value type, whose value the initializer copies.
        /// </summary>
        public static IOperation? SetByInitializer(IObjectCreationOperation creation, ISymbol member, ILocalSymbol holder)
        {
            var settable = member switch
            {
                IFieldSymbol { IsStatic: false, IsReadOnly: false, Type.IsReferenceType: true } => true,
                IPropertySymbol { IsStatic: false, SetMethod: { }, Type.IsReferenceType: true } property => MemberAccesses.IsAutoProperty(property),
                _ => false,
            };
            if (!settable || !(creation.Initializer is { } initializer))
            {
                return null;
            }

            IOperation? value = null;
            foreach (var set in initializer.Initializers)
            {
                if (set is ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } assignment &&
                    SymbolEqualityComparer.Default.Equals(target.Member.OriginalDefinition, member.OriginalDefinition))
                {
                    value = assignment.Value;
                }
            }

            if (value == null || member is IPropertySymbol { SetMethod.IsInitOnly: true })
            {
                return value;
            }

            return OnlyConstructorsWrite(member.OriginalDefinition) && KeptBy(holder, creation, member) ? value : null;
        }

        // Every mention of the holder reads or calls a member of its object, and none stores the member: no other code
        // gets the object to store it.
        private static bool KeptBy(ILocalSymbol holder, IObjectCreationOperation creation, ISymbol member)
        {
            foreach (var mention in LocalMentions.Of(holder, creation))
            {
                if (mention is IVariableDeclaratorOperation)
                {
                    continue;
                }

                switch (mention.Parent)
                {
                    case ISimpleAssignmentOperation store when store.Target == mention && SpawnClassifier.Unwrap(store.Value) == creation:
                    case IInvocationOperation call when call.Instance == mention:
                        continue;
                    case IMemberReferenceOperation reference when reference.Instance == mention:
                        if (SymbolEqualityComparer.Default.Equals(reference.Member.OriginalDefinition, member.OriginalDefinition) && AccessCollector.Kind(reference).Write)
                        {
                            return false;
                        }

                        continue;
                    default:
                        return false;
                }
            }

            return true;
        }

        private static IOperation? ArgumentFor(IObjectCreationOperation creation, IParameterSymbol parameter)
        {
            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == parameter.Ordinal && argument.ArgumentKind == ArgumentKind.Explicit)
                {
                    return argument.Value;
                }
            }

            return null;
        }
    }
}
