using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// What a method of the same file does with the arguments it is given, read from its body: which delegate
    /// parameters it invokes. Only methods declared in the caller's syntax tree are read (their semantic model is the
    /// caller's); any other callee is unknown and orders nothing.
    /// </summary>
    internal static class SourceCallees
    {
        /// <summary>Callees of callees are followed this deep.</summary>
        public const int MaxDepth = 3;

        /// <summary>The body of <paramref name="method"/> (a method, local function or property accessor) when it is declared in <paramref name="caller"/>'s tree; null otherwise.</summary>
        public static IOperation? BodyOf(IMethodSymbol method, IOperation caller)
        {
            var model = caller.SemanticModel;
            if (model == null || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction or MethodKind.PropertyGet or MethodKind.PropertySet))
            {
                return null;
            }

            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                if (syntax.SyntaxTree == model.SyntaxTree &&
                    (syntax is BaseMethodDeclarationSyntax || syntax is LocalFunctionStatementSyntax || syntax is AccessorDeclarationSyntax || syntax is ArrowExpressionClauseSyntax))
                {
                    return model.GetOperation(syntax);
                }
            }

            return null;
        }

        /// <summary>The invocations of parameter <paramref name="parameter"/> (a delegate) in <paramref name="body"/>'s own code.</summary>
        public static List<IInvocationOperation> InvocationsOf(IOperation body, IParameterSymbol parameter) =>
            body.Descendants().OfType<IInvocationOperation>()
                .Where(call => call.TargetMethod.MethodKind == MethodKind.DelegateInvoke &&
                               call.Instance is IParameterReferenceOperation invoked &&
                               SymbolEqualityComparer.Default.Equals(invoked.Parameter, parameter) &&
                               Flow.Functions.EnclosingFunction(call) == EnclosingOrNull(body))
                .ToList();

        /// <summary>
        /// The argument <paramref name="function"/> is passed as, when it is handed straight to a method: the lambda in
        /// <c>Run(() => …)</c>.
        /// </summary>
        public static IArgumentOperation? ArgumentOf(IAnonymousFunctionOperation function)
        {
            IOperation? parent = function.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent as IArgumentOperation;
        }

        /// <summary>The argument <paramref name="call"/> gives for the callee's <paramref name="parameter"/>.</summary>
        public static IArgumentOperation? ArgumentFor(IInvocationOperation call, IParameterSymbol parameter) =>
            call.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter?.OriginalDefinition, parameter.OriginalDefinition));

        private static IOperation? EnclosingOrNull(IOperation body) =>
            body is ILocalFunctionOperation ? body : Flow.Functions.EnclosingFunction(body);
    }
}
