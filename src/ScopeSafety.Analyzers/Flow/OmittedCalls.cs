using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// Calls the compiler leaves out: a method marked <c>[Conditional("M_DEBUG")]</c> called where that symbol is not
    /// defined (a debug logger's <c>StartPass</c> that stores a start time in a static field, <c>Debug.Assert(_count &gt; 0)</c>
    /// in a release build). Neither the call nor its arguments run, so what they would touch is no access of the program.
    /// </summary>
    internal static class OmittedCalls
    {
        /// <summary>
        /// Whether <paramref name="operation"/>, met walking <paramref name="body"/> in document order, is or lies inside a call
        /// that is left out; <paramref name="omitted"/> keeps the calls left out met so far (made on the first).
        /// </summary>
        public static bool Skip(IOperation operation, IOperation body, ref HashSet<IOperation>? omitted)
        {
            if (IsIn(operation, body, omitted))
            {
                return true;
            }

            if (operation is IInvocationOperation call && IsOmitted(call))
            {
                (omitted ??= new HashSet<IOperation>()).Add(call);
                return true;
            }

            return false;
        }

        private static bool IsIn(IOperation operation, IOperation body, HashSet<IOperation>? omitted)
        {
            if (omitted == null)
            {
                return false;
            }

            for (var node = operation; node != null; node = node.Parent)
            {
                if (omitted.Contains(node))
                {
                    return true;
                }

                if (node == body)
                {
                    break;
                }
            }

            return false;
        }

        /// <summary>
        /// A call of a void method whose <c>[Conditional]</c> symbols (its own or, for an override, those of the method it
        /// overrides) are none of them defined for the calling file: not by the project, and not by a <c>#define</c> of the
        /// file (a file that defines or undefines one of them anywhere is taken to keep the call).
        /// </summary>
        public static bool IsOmitted(IInvocationOperation call)
        {
            var symbols = ConditionalSymbols(call.TargetMethod);
            if (symbols.Count == 0 || !(call.Syntax.SyntaxTree is { } tree) || !(tree.Options is CSharpParseOptions options))
            {
                return false;
            }

            if (symbols.Any(symbol => options.PreprocessorSymbolNames.Contains(symbol)))
            {
                return false;
            }

            var named = DirectiveNames.GetValue(tree, NamesInDirectives);
            return !symbols.Exists(named.Contains);
        }

        // The symbols a file #defines or #undefs, read once per file.
        private static readonly ConditionalWeakTable<SyntaxTree, HashSet<string>> DirectiveNames = new ConditionalWeakTable<SyntaxTree, HashSet<string>>();

        private static HashSet<string> NamesInDirectives(SyntaxTree tree)
        {
            var names = new HashSet<string>();
            var root = tree.GetRoot();
            if (!root.ContainsDirectives)
            {
                return names;
            }

            for (var directive = root.GetFirstDirective(); directive != null; directive = directive.GetNextDirective())
            {
                switch (directive)
                {
                    case DefineDirectiveTriviaSyntax define:
                        names.Add(define.Name.ValueText);
                        break;
                    case UndefDirectiveTriviaSyntax undefine:
                        names.Add(undefine.Name.ValueText);
                        break;
                }
            }

            return names;
        }

        private static List<string> ConditionalSymbols(IMethodSymbol method)
        {
            var symbols = new List<string>();
            if (!method.ReturnsVoid)
            {
                return symbols;
            }

            for (var declared = method.OriginalDefinition; declared != null; declared = declared.OverriddenMethod?.OriginalDefinition)
            {
                foreach (var attribute in declared.GetAttributes())
                {
                    if (attribute.AttributeClass is { Name: "ConditionalAttribute", ContainingNamespace: { Name: "Diagnostics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } &&
                        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string symbol)
                    {
                        symbols.Add(symbol);
                    }
                }
            }

            return symbols;
        }
    }
}
