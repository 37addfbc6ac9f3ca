using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A flag used as a one-shot signal: a bool, a number or a reference that starts at its default (false, 0, null)
    /// and that one side raises with a volatile or interlocked write of another value (<c>_ready = true</c> on a volatile
    /// field, <c>Volatile.Write(ref ready, true)</c>, <c>Interlocked.Exchange(ref _published, 1)</c>), while the other
    /// spins until a volatile or interlocked read of it no longer gives the default (<c>while (!_ready) { }</c>,
    /// <c>while (Interlocked.CompareExchange(ref _published, 0, 0) == 0) spinner.SpinOnce();</c>,
    /// <c>SpinWait.SpinUntil(() =&gt; _ready)</c>). What one side wrote before raising the flag is visible to the other
    /// after the loop (release/acquire).
    /// </summary>
    internal static class FlagHandshake
    {
        /// <summary>The flag <paramref name="operation"/> raises with a volatile or interlocked write of a value other than its default, or null.</summary>
        public static ISymbol? Raised(IOperation operation, SynchronisationSymbols symbols)
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation { IsRef: false, Target: IFieldReferenceOperation { Field: { IsVolatile: true } } target } assignment
                    when IsRaisedValue(assignment.Value):
                    return FlagOf(target);
                case IInvocationOperation { TargetMethod: { Name: "Write", IsStatic: true } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.Volatile) && call.Arguments.Length == 2 && IsRaisedValue(ArgumentAt(call, 1)):
                    return FlagOf(ArgumentAt(call, 0));
                case IInvocationOperation { TargetMethod: { Name: "Exchange" or "CompareExchange", IsStatic: true } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.Interlocked) && call.Arguments.Length >= 2 && IsRaisedValue(ArgumentAt(call, 1)) &&
                         (method.Name == "Exchange" || IsDefault(ArgumentAt(call, 2))):
                    // Interlocked.Exchange(ref flag, 1), or CompareExchange(ref flag, 1, 0): raised unless it already was.
                    return FlagOf(ArgumentAt(call, 0));
                default:
                    return null;
            }
        }

        /// <summary>
        /// The flag <paramref name="operation"/> spins on until it is raised, or null: a while or do loop whose only exit is
        /// its condition, that condition testing a volatile or interlocked read of the flag for its default (<c>!flag</c>,
        /// <c>flag == 0</c>, <c>flag is null</c>), or <c>SpinWait.SpinUntil(() =&gt; flag)</c> (or <c>flag != 0</c>) without a timeout.
        /// </summary>
        public static ISymbol? AwaitedRaised(IOperation operation, SynchronisationSymbols symbols)
        {
            switch (operation)
            {
                case IWhileLoopOperation { ConditionIsUntil: false, Condition: { } condition } loop when Flow.Functions.LeftOnlyByCondition(loop):
                    return Tested(condition, symbols, raised: false);
                case IInvocationOperation { TargetMethod: { Name: "SpinUntil", IsStatic: true, Parameters: { Length: 1 } } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.SpinWait) &&
                         SpinCondition(call.Arguments[0].Value) is { } condition:
                    return Tested(condition, symbols, raised: true);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The flag <paramref name="condition"/> reads and is true for while it is still down (<paramref name="raised"/>
        /// false: <c>!flag</c>, <c>flag == 0</c>, <c>flag is null</c>) or once it is up (true: <c>flag</c>,
        /// <c>flag != 0</c>, <c>flag is not null</c>).
        /// </summary>
        private static ISymbol? Tested(IOperation condition, SynchronisationSymbols symbols, bool raised)
        {
            switch (SpawnClassifier.Unwrap(condition))
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return Tested(not.Operand, symbols, !raised);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test:
                    var tested = IsDefault(test.RightOperand) ? test.LeftOperand : IsDefault(test.LeftOperand) ? test.RightOperand : null;
                    var down = test.OperatorKind == BinaryOperatorKind.Equals;
                    return tested != null && down != raised ? VolatileRead(tested, symbols) : null;
                case IIsPatternOperation { Pattern: var pattern, Value: var value }:
                    var isDown = pattern is IConstantPatternOperation constant && IsDefault(constant.Value);
                    var isUp = pattern is INegatedPatternOperation { Pattern: IConstantPatternOperation negated } && IsDefault(negated.Value);
                    return (raised ? isUp : isDown) ? VolatileRead(value, symbols) : null;
                case var flag when raised && flag.Type?.SpecialType == SpecialType.System_Boolean:
                    return VolatileRead(flag, symbols);
                default:
                    return null;
            }
        }

        /// <summary>The value <c>() =&gt; flag</c> returns: an expression-bodied lambda (its body is one return).</summary>
        private static IOperation? SpinCondition(IOperation argument) =>
            SpawnClassifier.Unwrap(argument) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Body: { Operations: { Length: 1 } body } } } &&
            body[0] is IReturnOperation { ReturnedValue: { } returned }
                ? returned
                : null;

        /// <summary>
        /// A volatile or interlocked read of a flag: a volatile field, <c>Volatile.Read(ref flag)</c>,
        /// <c>Interlocked.Read(ref flag)</c>, or <c>Interlocked.CompareExchange(ref flag, v, v)</c> (which writes what was there).
        /// </summary>
        private static ISymbol? VolatileRead(IOperation read, SynchronisationSymbols symbols)
        {
            switch (SpawnClassifier.Unwrap(read))
            {
                case IFieldReferenceOperation { Field: { IsVolatile: true } } field:
                    return FlagOf(field);
                case IInvocationOperation { TargetMethod: { Name: "Read", IsStatic: true } method } call
                    when (KnownSymbols.Is(method.ContainingType, symbols.Volatile) || KnownSymbols.Is(method.ContainingType, symbols.Interlocked)) && call.Arguments.Length == 1:
                    return FlagOf(call.Arguments[0].Value);
                case IInvocationOperation { TargetMethod: { Name: "CompareExchange", IsStatic: true } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.Interlocked) && call.Arguments.Length == 3 &&
                         ArgumentAt(call, 1) is { ConstantValue.HasValue: true } expected && ArgumentAt(call, 2) is { } replacement &&
                         Places.TextOf(expected.Syntax) == Places.TextOf(replacement.Syntax):
                    return FlagOf(ArgumentAt(call, 0));
                default:
                    return null;
            }
        }

        /// <summary>The value of the call's argument for the parameter at <paramref name="ordinal"/>; null when code being typed lacks it.</summary>
        private static IOperation? ArgumentAt(IInvocationOperation call, int ordinal) =>
            call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal)?.Value;

        /// <summary>The variable a flag is kept in, when it is of a type a flag can be made of.</summary>
        private static ISymbol? FlagOf(IOperation? reference) =>
            reference != null && SpawnClassifier.Unwrap(reference).Type is { } type && IsFlagType(type) ? SignalObjects.ObjectOf(reference) : null;

        /// <summary>A bool, a number, an enum or a reference: something a flag can be made of.</summary>
        public static bool IsFlagType(ITypeSymbol type) =>
            type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 ||
            type.TypeKind == TypeKind.Enum || type.IsReferenceType;

        /// <summary>
        /// The flag starts lowered: a field declared without a value, or a variable declared as false, 0, null or default
        /// (a write elsewhere before the work starts is not looked for).
        /// </summary>
        public static bool StartsLowered(ISymbol flag) =>
            flag.DeclaringSyntaxReferences.Length == 1 &&
            flag.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax declarator &&
            (declarator.Initializer == null
                ? flag is IFieldSymbol
                : declarator.Initializer.Value is LiteralExpressionSyntax { Token.Value: null or false or 0 or 0L or 0U or 0UL } or DefaultExpressionSyntax ||
                  declarator.Initializer.Value.IsKind(SyntaxKind.DefaultLiteralExpression));

        /// <summary>The constant default of a flag: false, 0 or null.</summary>
        private static bool IsDefault(IOperation? value)
        {
            if (value == null)
            {
                return false;
            }

            var constant = SpawnClassifier.Unwrap(value).ConstantValue;
            if (!constant.HasValue)
            {
                return value is IDefaultValueOperation;
            }

            return constant.Value switch
            {
                null => true,
                bool flag => !flag,
                int or long or uint or ulong or short or ushort or byte or sbyte => System.Convert.ToDecimal(constant.Value, System.Globalization.CultureInfo.InvariantCulture) == 0,
                _ => false,
            };
        }

        /// <summary>A value certainly other than the default: a constant that is not false, 0 or null, a new object, a string literal.</summary>
        private static bool IsRaisedValue(IOperation? value)
        {
            if (value == null)
            {
                return false;
            }

            var unwrapped = SpawnClassifier.Unwrap(value);
            return unwrapped.ConstantValue.HasValue ? !IsDefault(unwrapped) : unwrapped is IObjectCreationOperation or IAnonymousObjectCreationOperation or IArrayCreationOperation;
        }
    }
}
