using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>Variables declared by a <c>for</c> statement: the loop moves them on while work started in the body may still read them.</summary>
    internal static class ForLoops
    {
        /// <summary>The <c>for</c> statement that declares <paramref name="variable"/>, or null.</summary>
        public static ForStatementSyntax? DeclaringLoop(ISymbol variable) =>
            variable is ILocalSymbol local && local.DeclaringSyntaxReferences.Length == 1
                ? local.DeclaringSyntaxReferences[0].GetSyntax().Parent?.Parent as ForStatementSyntax
                : null;

        /// <summary>True when <paramref name="variable"/> is declared by a <c>for</c> statement.</summary>
        public static bool IsLoopVariable(ISymbol variable) => DeclaringLoop(variable) != null;

        /// <summary>True when <paramref name="variable"/> is declared by a <c>for</c> statement whose body contains <paramref name="node"/>.</summary>
        public static bool IsLoopVariableAround(ISymbol variable, SyntaxNode node) =>
            DeclaringLoop(variable)?.Statement.Span.Contains(node.Span) == true;
    

        /// <summary>
        /// The bounds of a <c>for</c> variable that counts up by one: <c>for (var i = Start; i &lt; Limit; i++)</c>
        /// (Inclusive for <c>&lt;=</c>); null for any other loop.
        /// </summary>
        public static (ExpressionSyntax Start, ExpressionSyntax Limit, bool Inclusive)? CountingUp(ISymbol variable)
        {
            if (!(DeclaringLoop(variable) is { } loop) || loop.Declaration?.Variables.Count != 1 ||
                !(loop.Declaration.Variables[0].Initializer?.Value is { } start) ||
                loop.Incrementors.Count != 1 || !CountsUpByOne(loop.Incrementors[0], variable.Name) ||
                !(loop.Condition is BinaryExpressionSyntax { Left: IdentifierNameSyntax name } test) || name.Identifier.ValueText != variable.Name ||
                !(test.IsKind(SyntaxKind.LessThanExpression) || test.IsKind(SyntaxKind.LessThanOrEqualExpression)))
            {
                return null;
            }

            return (start, test.Right, test.IsKind(SyntaxKind.LessThanOrEqualExpression));
        }

        /// <summary>
        /// The bounds of a loop index: a <c>for</c> variable that counts up by one (see <see cref="CountingUp"/>), or the
        /// index of a <c>Parallel.For</c> or <c>Scope.For</c> body, which takes every value from its first argument up to
        /// (not including) its second. Null for anything else.
        /// </summary>
        public static (ExpressionSyntax Start, ExpressionSyntax Limit, bool Inclusive)? IndexBounds(ISymbol variable, SemanticModel model)
        {
            if (CountingUp(variable) is { } loop)
            {
                return loop;
            }

            if (!(variable is IParameterSymbol { Ordinal: 0, ContainingSymbol: IMethodSymbol body }) ||
                !(Functions.CallHandedTo(body, model) is { Call: { TargetMethod: { Name: "For", ContainingType: { Name: "Parallel" or "Scope" } } } loopCall, Argument: var handed }) ||
                handed.Parameter?.Name != "body")
            {
                // The lambda must be the body (not localFinally, whose parameter is the thread's local value).
                return null;
            }

            ExpressionSyntax? from = null, to = null;
            foreach (var argument in loopCall.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "fromInclusive":
                        from = argument.Value.Syntax as ExpressionSyntax;
                        break;
                    case "toExclusive":
                        to = argument.Value.Syntax as ExpressionSyntax;
                        break;
                }
            }

            return from != null && to != null ? (from, to, false) : null;
        }

        /// <summary>The values a loop index (see <see cref="IndexBounds"/>) between two constants takes, as [From, To); null otherwise.</summary>
        public static (long From, long To)? ConstantRange(ISymbol variable, SemanticModel model)
        {
            if (!(IndexBounds(variable, model) is { } loop) || loop.Start.SyntaxTree != model.SyntaxTree ||
                !(Constant(loop.Start, model) is { } from) || !(Constant(loop.Limit, model) is { } limit))
            {
                return null;
            }

            return (from, loop.Inclusive ? limit + 1 : limit);
        }

        /// <summary>A constant integer the expression always has.</summary>
        public static long? Constant(ExpressionSyntax expression, SemanticModel model) =>
            model.GetConstantValue(expression) is { HasValue: true, Value: int or long or short or byte } constant
                ? System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture)
                : null;

        private static bool CountsUpByOne(ExpressionSyntax step, string name) => step switch
        {
            PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax operand } post => post.IsKind(SyntaxKind.PostIncrementExpression) && operand.Identifier.ValueText == name,
            PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax operand } pre => pre.IsKind(SyntaxKind.PreIncrementExpression) && operand.Identifier.ValueText == name,
            _ => false,
        };
    }
}
