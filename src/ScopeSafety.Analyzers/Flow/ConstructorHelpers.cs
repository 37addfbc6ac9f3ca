using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// A method that only the constructors of its object call (<c>protected void InitNotify()</c>, called by each derived
    /// zone's constructors): its code runs while the object is being built, before anyone else holds it, as a
    /// constructor's does. Only a private method (its calls are in its type) or a protected one that nothing can override
    /// (its calls are in the compilation's derived types), with at least one call, each on this object (plain,
    /// <c>this.</c> or <c>base.</c>) and in a constructor's own code, not in a lambda there.
    /// </summary>
    internal static class ConstructorHelpers
    {
        private static readonly ConditionalWeakTable<IMethodSymbol, StrongBox<bool>> Known = new ConditionalWeakTable<IMethodSymbol, StrongBox<bool>>();

        public static bool OnlyCalledFromConstructors(IMethodSymbol method, Compilation compilation) =>
            Known.GetValue(method.OriginalDefinition, m => new StrongBox<bool>(Decide(m, compilation))).Value;

        private static bool Decide(IMethodSymbol method, Compilation compilation)
        {
            if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.IsVirtual || method.IsAbstract || method.IsOverride ||
                !(method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) ||
                !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly))
            {
                return false;
            }

            var trees = method.DeclaredAccessibility == Accessibility.Private
                ? method.ContainingType.DeclaringSyntaxReferences.Select(reference => reference.SyntaxTree).Distinct()
                : compilation.SyntaxTrees;
            var calls = 0;
            foreach (var tree in trees)
            {
                foreach (var mention in CallIndex.Mentions(tree, method.Name))
                {
                    var info = Concurrency.SourceCallees.ModelOf(compilation, tree).GetSymbolInfo(mention);
                    var symbol = info.Symbol;
                    if (symbol == null)
                    {
                        if (info.CandidateSymbols.Any(candidate => SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, method)))
                        {
                            return false;
                        }

                        continue;
                    }

                    if (!SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, method))
                    {
                        continue;
                    }

                    if (!(CallIndex.CallOnThis(mention, isStatic: false) is { } call) || !InConstructorCode(call))
                    {
                        return false;
                    }

                    calls++;
                }
            }

            return calls > 0;
        }

        // The call is a constructor's own code, not a lambda's or a local function's in it.
        private static bool InConstructorCode(InvocationExpressionSyntax call)
        {
            foreach (var node in call.Ancestors())
            {
                switch (node)
                {
                    case ConstructorDeclarationSyntax _:
                        return true;
                    case AnonymousFunctionExpressionSyntax _:
                    case LocalFunctionStatementSyntax _:
                    case MemberDeclarationSyntax _:
                        return false;
                }
            }

            return false;
        }
    }
}
