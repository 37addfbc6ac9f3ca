using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Whether a method, constructor or property setter of the source is certainly run more than once where its file
    /// calls it: twice in one function, or once inside a loop. For an instance member the calls must name the same
    /// receiver (<c>instance[1] = 1; instance[2] = 2;</c>), because only then do the two runs share its fields; a
    /// constructor builds a new object each time, so its runs share only statics.
    /// </summary>
    internal static class RepeatedCalls
    {
        /// <param name="member">The method, constructor or setter.</param>
        /// <param name="model">The model of the file to search (the member's own).</param>
        /// <param name="sharedIsStatic">The runs are asked about a static: any two calls share it.</param>
        public static bool IsCalledRepeatedly(IMethodSymbol member, SemanticModel model, bool sharedIsStatic)
        {
            if (member.MethodKind == MethodKind.Constructor && !sharedIsStatic)
            {
                return false;
            }

            var seen = new Dictionary<(SyntaxNode Function, string Receiver), List<SyntaxNode>>();
            foreach (var (call, receiver) in CallsOf(member, model))
            {
                var function = EnclosingFunction(call);
                if (function == null)
                {
                    continue;
                }

                if (InLoop(call, function))
                {
                    return true;
                }

                var key = (function, sharedIsStatic ? "" : receiver);
                if (!seen.TryGetValue(key, out var earlier))
                {
                    earlier = new List<SyntaxNode>();
                    seen.Add(key, earlier);
                }

                if (earlier.Exists(other => !Exclusive(other, call)))
                {
                    return true;
                }

                earlier.Add(call);
            }

            return false;
        }

        /// <summary>
        /// The two calls sit on different branches of one choice (<c>if (x) Start(1); else Start(2);</c>, two sections of a
        /// switch, the two arms of <c>?:</c>), or the first is followed in its branch by a return or throw that the second
        /// stands after (<c>if (x) { Start(1); return; } Start(2);</c>): at most one of them runs.
        /// </summary>
        private static bool Exclusive(SyntaxNode a, SyntaxNode b)
        {
            if (a.SpanStart < b.SpanStart ? LeavesBefore(a, b) : LeavesBefore(b, a))
            {
                return true;
            }

            var ancestors = new HashSet<SyntaxNode>(a.Ancestors());
            SyntaxNode below = b;
            foreach (var common in b.Ancestors())
            {
                if (ancestors.Contains(common))
                {
                    var aBelow = a.Ancestors().TakeWhile(n => n != common).LastOrDefault() ?? a;
                    return common switch
                    {
                        IfStatementSyntax _ => aBelow != below && !(aBelow is ExpressionSyntax) && !(below is ExpressionSyntax),
                        SwitchStatementSyntax _ => aBelow is SwitchSectionSyntax && below is SwitchSectionSyntax && aBelow != below,
                        SwitchExpressionSyntax _ => aBelow is SwitchExpressionArmSyntax && below is SwitchExpressionArmSyntax && aBelow != below,
                        ConditionalExpressionSyntax conditional => aBelow != below && aBelow != conditional.Condition && below != conditional.Condition,
                        _ => false,
                    };
                }

                below = common;
            }

            return false;
        }

        /// <summary>
        /// After <paramref name="first"/>, a block that holds it but not <paramref name="second"/> (which comes later) ends its
        /// run with a return or throw statement of its own: the run that makes the first call never gets to the second.
        /// </summary>
        private static bool LeavesBefore(SyntaxNode first, SyntaxNode second)
        {
            SyntaxNode child = first;
            for (var parent = first.Parent; parent != null && !parent.Span.Contains(second.Span); child = parent, parent = parent.Parent)
            {
                if (parent is BlockSyntax block && block.Statements.SkipWhile(statement => statement != child).Skip(1)
                        .Any(statement => statement is ReturnStatementSyntax || statement is ThrowStatementSyntax))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The calls of <paramref name="member"/> in the file, each with the text of the receiver it is called on ("" for this or none).</summary>
        private static IEnumerable<(SyntaxNode Call, string Receiver)> CallsOf(IMethodSymbol member, SemanticModel model)
        {
            var target = member.OriginalDefinition;
            if (member.MethodKind == MethodKind.Ordinary)
            {
                foreach (var invocation in Flow.CallIndex.Named(model.SyntaxTree, member.Name))
                {
                    if (Is(model.GetSymbolInfo(invocation).Symbol, target))
                    {
                        yield return (invocation, ReceiverOf(invocation.Expression));
                    }
                }

                yield break;
            }

            var property = member.MethodKind == MethodKind.PropertySet ? member.AssociatedSymbol as IPropertySymbol : null;
            foreach (var node in model.SyntaxTree.GetRoot().DescendantNodes())
            {
                switch (node)
                {
                    case BaseObjectCreationExpressionSyntax creation when member.MethodKind == MethodKind.Constructor &&
                                                                        (creation is ImplicitObjectCreationExpressionSyntax ||
                                                                         (creation is ObjectCreationExpressionSyntax { Type: var type } && Flow.CallIndex.NameOf(type) == member.ContainingType.Name)) &&
                                                                        Is(model.GetSymbolInfo(creation).Symbol, target):
                        yield return (node, "");
                        break;
                    case ExpressionSyntax assigned when property != null && IsAssignedTo(assigned) &&
                                                        (property.IsIndexer ? assigned is ElementAccessExpressionSyntax : Flow.CallIndex.NameOf(assigned) == property.Name) &&
                                                        model.GetSymbolInfo(assigned).Symbol is IPropertySymbol used &&
                                                        Is(used.SetMethod, target):
                        yield return (node, assigned is ElementAccessExpressionSyntax element ? Places.TextOf(element.Expression) : ReceiverOf(assigned));
                        break;
                }
            }
        }

        private static bool Is(ISymbol? symbol, IMethodSymbol target) =>
            symbol is IMethodSymbol method && SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, target);

        private static bool IsAssignedTo(ExpressionSyntax expression) =>
            expression.Parent is AssignmentExpressionSyntax assignment && assignment.Left == expression ||
            expression.Parent is PostfixUnaryExpressionSyntax || expression.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression };

        private static string ReceiverOf(ExpressionSyntax expression) =>
            expression is MemberAccessExpressionSyntax access && !(access.Expression is ThisExpressionSyntax) ? Places.TextOf(access.Expression) : "";

        /// <summary>The function whose own code holds <paramref name="node"/>: a method, accessor, local function, lambda or the top-level statements.</summary>
        private static SyntaxNode? EnclosingFunction(SyntaxNode node)
        {
            for (var parent = node.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is BaseMethodDeclarationSyntax || parent is AccessorDeclarationSyntax || parent is LocalFunctionStatementSyntax ||
                    parent is AnonymousFunctionExpressionSyntax || parent is CompilationUnitSyntax)
                {
                    return parent;
                }
            }

            return null;
        }

        private static bool InLoop(SyntaxNode node, SyntaxNode function)
        {
            for (var parent = node.Parent; parent != null && parent != function; parent = parent.Parent)
            {
                if (parent is ForStatementSyntax || parent is CommonForEachStatementSyntax || parent is WhileStatementSyntax || parent is DoStatementSyntax)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
