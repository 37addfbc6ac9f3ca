using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Task.WhenAny and Task.WaitAny say which task finished first. Where the code tests that answer against a task
    /// (<c>if (await Task.WhenAny(work, Task.Delay(t)) == work)</c>, <c>if (Task.WaitAny(a, b) == 0)</c>, or the other way
    /// with an early exit: <c>if (first != work) throw …;</c>), the branch the test lets through runs after that task ended:
    /// a join there, and only there (the timeout's branch still runs beside the work).
    /// </summary>
    internal static class FirstFinished
    {
        /// <summary>
        /// The statements that run only once the task at <paramref name="index"/> of <paramref name="tasks"/> (the tasks
        /// handed to <paramref name="call"/>, a Task.WhenAny or Task.WaitAny) has finished: the join holds from their start.
        /// </summary>
        public static List<SyntaxNode> Regions(IInvocationOperation call, IReadOnlyList<IOperation> tasks, int index, KnownSymbols symbols)
        {
            var regions = new List<SyntaxNode>();
            foreach (var use in AnswersOf(call, symbols).SelectMany(UsesOf))
            {
                var test = use.Parent;
                while (test is IConversionOperation || test is IParenthesizedOperation)
                {
                    test = test.Parent;
                }

                if (!(test is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison) ||
                    !(Named(Other(comparison, use), call, tasks, index) is { } names))
                {
                    continue;
                }

                // finished when the test is true: "== this task", or "!= the only other task".
                var whenTrue = (comparison.OperatorKind == BinaryOperatorKind.Equals) == names;
                var statement = comparison.Parent;
                while (statement is IConversionOperation || statement is IParenthesizedOperation)
                {
                    statement = statement.Parent;
                }

                if (!(statement is IConditionalOperation branch))
                {
                    continue;
                }

                if (whenTrue)
                {
                    regions.Add(branch.WhenTrue.Syntax);
                    continue;
                }

                if (branch.WhenFalse != null)
                {
                    regions.Add(branch.WhenFalse.Syntax);
                }
                else if (Flow.Functions.Exits(branch.WhenTrue) && Flow.Functions.NextStatement(branch) is { } next)
                {
                    regions.Add(next);
                }
            }

            return regions;
        }

        /// <summary>
        /// The values that name the first task: WaitAny's index, or the WhenAny awaited or waited, where it is made or
        /// through the local that holds it (<c>var first = Task.WhenAny(a, b); … first.Result == a</c>).
        /// </summary>
        private static IEnumerable<IOperation> AnswersOf(IInvocationOperation call, KnownSymbols symbols)
        {
            if (call.TargetMethod.Name == "WaitAny")
            {
                yield return call;
                yield break;
            }

            if (Awaited(call, symbols) is { } answer)
            {
                yield return answer;
                yield break;
            }

            foreach (var held in UsesOf(call))
            {
                if (held != call && Awaited(held, symbols) is { } later)
                {
                    yield return later;
                }
            }
        }

        /// <summary>The wait that takes the value of the task <paramref name="task"/> (await, Result, GetAwaiter().GetResult()).</summary>
        private static IOperation? Awaited(IOperation task, KnownSymbols symbols)
        {
            var value = task;
            while (value.Parent is IConversionOperation || value.Parent is IParenthesizedOperation || Flow.AwaitedValues.ConfigurationOf(value) != null)
            {
                value = Flow.AwaitedValues.ConfigurationOf(value) ?? value.Parent!;
            }

            var wait = value.Parent is IInvocationOperation { TargetMethod: { Name: "GetAwaiter" } } awaiter ? awaiter.Parent : value.Parent;
            return wait != null && wait.Type?.SpecialType != SpecialType.System_Void && wait.Type?.SpecialType != SpecialType.System_Boolean &&
                   HandleTracker.JoinedInstance(wait, symbols) != null
                ? wait
                : null;
        }

        /// <summary>The answer itself, or every read of the local it initialises when nothing assigns that local again.</summary>
        private static IEnumerable<IOperation> UsesOf(IOperation answer)
        {
            var value = answer;
            while (value.Parent is IConversionOperation || value.Parent is IParenthesizedOperation)
            {
                value = value.Parent;
            }

            if (!(value.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }))
            {
                yield return answer;
                yield break;
            }

            IOperation scope = declarator;
            while (scope.Parent != null && !(scope.Parent is IAnonymousFunctionOperation) && !(scope.Parent is ILocalFunctionOperation))
            {
                scope = scope.Parent;
            }

            var reads = new List<IOperation>();
            foreach (var operation in scope.Descendants())
            {
                if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
                {
                    if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference ||
                        reference.Parent is ICompoundAssignmentOperation || reference.Parent is IArgumentOperation { Parameter: { RefKind: not RefKind.None } })
                    {
                        yield break;
                    }

                    reads.Add(reference);
                }
            }

            foreach (var read in reads)
            {
                yield return read;
            }
        }

        /// <summary>The operand of <paramref name="comparison"/> that does not hold <paramref name="use"/>.</summary>
        private static IOperation Other(IBinaryOperation comparison, IOperation use)
        {
            var side = use;
            while (side.Parent != null && side.Parent != comparison)
            {
                side = side.Parent;
            }

            return side == comparison.LeftOperand ? comparison.RightOperand : comparison.LeftOperand;
        }

        /// <summary>
        /// Whether the other side of the test names the task at <paramref name="index"/> (true), or names the one other
        /// task of two (false); null when it names neither.
        /// </summary>
        private static bool? Named(IOperation other, IInvocationOperation call, IReadOnlyList<IOperation> tasks, int index)
        {
            while (other is IConversionOperation conversion)
            {
                other = conversion.Operand;
            }

            if (call.TargetMethod.Name == "WaitAny")
            {
                if (!(other.ConstantValue is { HasValue: true, Value: int named }))
                {
                    return null;
                }

                return named == index ? true : tasks.Count == 2 && named == 1 - index ? false : (bool?)null;
            }

            if (!(other is ILocalReferenceOperation compared))
            {
                return null;
            }

            for (var i = 0; i < tasks.Count; i++)
            {
                if (LocalOf(tasks[i]) is { } local && SymbolEqualityComparer.Default.Equals(local, compared.Local))
                {
                    return i == index ? true : tasks.Count == 2 ? false : (bool?)null;
                }
            }

            return null;
        }

        /// <summary>The local a task argument reads; null for anything else.</summary>
        public static ILocalSymbol? LocalOf(IOperation task)
        {
            while (task is IConversionOperation conversion)
            {
                task = conversion.Operand;
            }

            return (task as ILocalReferenceOperation)?.Local;
        }

        /// <summary>The tasks of a WhenAny or WaitAny written out one by one (the params form or an array literal); null for a collection.</summary>
        public static IReadOnlyList<IOperation>? TasksOf(IInvocationOperation call)
        {
            if (call.Arguments.Length == 1)
            {
                switch (call.Arguments[0].Value)
                {
                    case IArrayCreationOperation { Initializer: { } initializer }:
                        return initializer.ElementValues;
                    case ICollectionExpressionOperation collection:
                        return collection.Elements;
                    default:
                        return null;
                }
            }

            // WhenAny(Task, Task), or WaitAny(tasks…, timeout): the tasks one by one.
            var tasks = new List<IOperation>();
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Type is INamedTypeSymbol { Name: "Task" })
                {
                    tasks.Add(argument.Value);
                }
                else if (argument.Value is IArrayCreationOperation { Initializer: { } initializer })
                {
                    tasks.AddRange(initializer.ElementValues);
                }
            }

            return tasks.Count > 0 ? tasks : null;
        }
    }
}
