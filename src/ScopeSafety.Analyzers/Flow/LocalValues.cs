using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>The one value a local is ever given, when that is certain.</summary>
    internal static class LocalValues
    {
        /// <summary>
        /// The value <paramref name="local"/> certainly holds wherever it is read: its initialiser, or the one simple
        /// assignment of a local declared without one, when nothing else writes it (no second assignment, ref/out,
        /// compound assignment or increment, ref alias or address, no <c>out var</c> or deconstruction declaring it).
        /// The declaration and that assignment are in <paramref name="function"/> (a lambda or local function, as
        /// <see cref="Functions.EnclosingFunction"/> gives it), else in the function that declares the local; null stands
        /// for the member itself, where a local in scope of a use made there is declared anyway. The whole member around
        /// <paramref name="use"/> is searched. Null when the value is not certain.
        /// </summary>
        public static IOperation? OnlyValue(ILocalSymbol local, IOperation use, IOperation? function = null)
        {
            if (local.IsRef)
            {
                return null;
            }

            var declared = false;
            IOperation? value = null;
            var values = 0;
            foreach (var operation in LocalMentions.Of(local, use))
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        var declaringFunction = Functions.EnclosingFunction(declarator);
                        if (function == null)
                        {
                            function = declaringFunction;
                        }
                        else if (declaringFunction != function)
                        {
                            return null;
                        }

                        declared = true;
                        if (declarator.Initializer != null)
                        {
                            value = declarator.Initializer.Value;
                            values++;
                        }

                        break;

                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                        if (reference.IsDeclaration)
                        {
                            // Declared by out var or deconstruction: its value comes from elsewhere.
                            return null;
                        }

                        if (reference.Parent is ISimpleAssignmentOperation { IsRef: false } assignment && assignment.Target == reference)
                        {
                            // The declarator comes first in the tree, so the function is known here.
                            if (Functions.EnclosingFunction(assignment) != function)
                            {
                                return null;
                            }

                            value = assignment.Value;
                            values++;
                        }
                        else if (Spawns.AccessCollector.Kind(reference).Write)
                        {
                            return null;
                        }

                        break;
                }
            }

            return declared && values == 1 ? value : null;
        }

        /// <summary>
        /// The parameter a local of reference type only ever holds, through casts (<c>var counter = (Counter)state;</c>)
        /// or as the variable of a type pattern on it (<c>state is Counter counter</c>, also in <c>is not</c>, a switch
        /// case or arm): the same object under another name. Null for any other local.
        /// </summary>
        public static IParameterReferenceOperation? ParameterHeldBy(ILocalSymbol local, IOperation use)
        {
            if (!local.Type.IsReferenceType)
            {
                return null;
            }

            var value = IsDeclaredByPattern(local) ? MatchedBy(local, use) : OnlyValue(local, use);
            return value == null ? null : Spawns.SpawnClassifier.Unwrap(value) as IParameterReferenceOperation;
        }

        /// <summary>
        /// Whether <paramref name="local"/>, which only holds a parameter (<see cref="ParameterHeldBy"/>), can hold an object
        /// handed to that parameter as <paramref name="handed"/>: a cast to an unrelated type throws and a type pattern of
        /// one fails, so a local of a type that no such object can have never names it. True when the type is not known.
        /// </summary>
        public static bool CanHold(ILocalSymbol local, ITypeSymbol? handed, Compilation compilation) =>
            handed == null || handed.TypeKind == TypeKind.Error || local.Type.TypeKind == TypeKind.Error ||
            compilation.ClassifyCommonConversion(handed, local.Type).Exists;

        /// <summary>
        /// The value a local declared by a pattern is the matched value of (the operand of <c>is</c>, of the switch), when
        /// the pattern declaring it is the whole pattern, or a side of <c>not</c>, <c>and</c>, <c>or</c> (in a property
        /// pattern it would hold a member instead) and nothing else writes the local.
        /// </summary>
        private static IOperation? MatchedBy(ILocalSymbol local, IOperation use)
        {
            IOperation? matched = null;
            foreach (var operation in LocalMentions.Of(local, use))
            {
                switch (operation)
                {
                    case IPatternOperation pattern when SymbolEqualityComparer.Default.Equals(PatternVariable(pattern), local):
                        matched = MatchedValue(pattern);
                        break;
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                                                                 Spawns.AccessCollector.Kind(reference).Write:
                        return null;
                }
            }

            return matched;
        }

        /// <summary>The local a type pattern declares (<c>Job j</c>, <c>Job { Done: 0 } j</c>); null for any other operation.</summary>
        public static ILocalSymbol? PatternVariable(IOperation operation) => operation switch
        {
            IDeclarationPatternOperation declaration => declaration.DeclaredSymbol as ILocalSymbol,
            IRecursivePatternOperation recursive => recursive.DeclaredSymbol as ILocalSymbol,
            _ => null,
        };

        // Read from the declaration's syntax, so that only pattern variables pay for a walk of the member.
        private static bool IsDeclaredByPattern(ILocalSymbol local) =>
            local.DeclaringSyntaxReferences.Length == 1 &&
            local.DeclaringSyntaxReferences[0].GetSyntax() is SingleVariableDesignationSyntax { Parent: DeclarationPatternSyntax or RecursivePatternSyntax };

        private static IOperation? MatchedValue(IPatternOperation pattern)
        {
            IOperation whole = pattern;
            while (whole.Parent is INegatedPatternOperation || whole.Parent is IBinaryPatternOperation)
            {
                whole = whole.Parent;
            }

            return whole.Parent switch
            {
                IIsPatternOperation test => test.Value,
                IPatternCaseClauseOperation { Parent: ISwitchCaseOperation { Parent: ISwitchOperation @switch } } => @switch.Value,
                ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation @switch } => @switch.Value,
                _ => null,
            };
        }
    }
}
