using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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
    }
}
