using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>Where a piece of code runs: the function (method, lambda, local function) that holds it.</summary>
    internal static class Functions
    {
        /// <summary>The innermost lambda, anonymous method or local function holding the operation; null for the member body.</summary>
        public static IOperation? EnclosingFunction(IOperation operation)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return parent;
                }
            }

            return null;
        }

        /// <summary>The operations holding <paramref name="operation"/>, innermost first.</summary>
        public static IEnumerable<IOperation> Ancestors(this IOperation operation)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                yield return parent;
            }
        }

        /// <summary>A statement that never falls through: return, throw, or a block that ends in one.</summary>
        public static bool Exits(IOperation statement) => statement switch
        {
            IReturnOperation => true,
            IThrowOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IBlockOperation { Operations: { Length: > 0 } operations } => Exits(operations[operations.Length - 1]),
            _ => false,
        };

        /// <summary>The outermost operation of the tree <paramref name="operation"/> belongs to: the member body it is in.</summary>
        /// <summary>
        /// The loop is left only when its condition says so: no <c>break</c> of this loop and no <c>goto</c> in its body
        /// (a return or a throw leaves the function, not to the statement after the loop).
        /// </summary>
        public static bool LeftOnlyByCondition(IWhileLoopOperation loop) =>
            !loop.Body.Descendants().OfType<IBranchOperation>().Any(branch =>
                SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel) || branch.BranchKind == BranchKind.GoTo);

        /// <summary>A lambda or local function lies between <paramref name="operation"/> and <paramref name="function"/> (code that runs when that is called, not here).</summary>
        public static bool IsInNestedFunction(IOperation operation, IOperation function)
        {
            for (var parent = operation.Parent; parent != null && parent != function; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The statement after <paramref name="statement"/> in its block, or null (the last one, or not in a block).</summary>
        public static SyntaxNode? NextStatement(IOperation statement)
        {
            if (!(statement.Parent is IBlockOperation block))
            {
                return null;
            }

            var index = block.Operations.IndexOf(statement);
            return index >= 0 && index + 1 < block.Operations.Length ? block.Operations[index + 1].Syntax : null;
        }

        /// <summary>
        /// The call a lambda or anonymous method is handed to as an argument (<c>Parallel.For(0, n, i =&gt; …)</c>), with
        /// that argument; null when it is written anywhere else or in another file than <paramref name="model"/>'s.
        /// </summary>
        public static (IInvocationOperation Call, IArgumentOperation Argument)? CallHandedTo(IMethodSymbol function, SemanticModel model)
        {
            if (function.MethodKind != MethodKind.AnonymousFunction || function.DeclaringSyntaxReferences.Length != 1 ||
                !(function.DeclaringSyntaxReferences[0].GetSyntax() is { Parent: Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax { Parent: Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentListSyntax { Parent: Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call } } argument }) ||
                call.SyntaxTree != model.SyntaxTree || !(model.GetOperation(call) is IInvocationOperation invocation))
            {
                return null;
            }

            foreach (var given in invocation.Arguments)
            {
                if (given.Syntax == argument)
                {
                    return (invocation, given);
                }
            }

            return null;
        }

        public static IOperation Root(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>Whether the code at <paramref name="operation"/> runs in an async function (method, local function or lambda).</summary>
        public static bool IsInAsyncFunction(IOperation operation, ISymbol containingSymbol)
        {
            switch (EnclosingFunction(operation))
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Symbol.IsAsync;
                case ILocalFunctionOperation local:
                    return local.Symbol.IsAsync;
                default:
                    return containingSymbol is IMethodSymbol { IsAsync: true };
            }
        }

        /// <summary>Whether the invocation's syntax names its type arguments (<c>Spawn&lt;Task&gt;(…)</c>): then a task result is meant.</summary>
        public static bool HasExplicitTypeArguments(IInvocationOperation invocation)
        {
            var expression = (invocation.Syntax as InvocationExpressionSyntax)?.Expression;
            if (expression is MemberAccessExpressionSyntax member)
            {
                expression = member.Name;
            }
            else if (expression is MemberBindingExpressionSyntax binding)
            {
                expression = binding.Name;
            }

            return expression is GenericNameSyntax;
        }
    }
}
