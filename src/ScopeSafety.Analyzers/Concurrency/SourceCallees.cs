using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// What a method of the source does with the arguments it is given, read from its body: which delegate parameters
    /// it invokes. The orderings read only methods declared in the caller's syntax tree (their semantic model is the
    /// caller's); the place accesses of <see cref="MemberAccesses"/> read any file of the compilation.
    /// </summary>
    internal static class SourceCallees
    {
        /// <summary>Callees of callees are followed this deep.</summary>
        public const int MaxDepth = 3;

        /// <summary>
        /// The body of <paramref name="method"/> (a method, local function, property accessor, constructor or operator) when it is declared in
        /// <paramref name="caller"/>'s tree, or with <paramref name="anyFile"/> in any file of the compilation; null otherwise.
        /// </summary>
        public static IOperation? BodyOf(IMethodSymbol method, IOperation caller, bool anyFile = false)
        {
            var model = caller.SemanticModel;
            if (model == null || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation or MethodKind.LocalFunction or MethodKind.PropertyGet or MethodKind.PropertySet or
                    MethodKind.Constructor or MethodKind.UserDefinedOperator or MethodKind.Conversion))
            {
                return null;
            }

            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                if (!(syntax is BaseMethodDeclarationSyntax || syntax is LocalFunctionStatementSyntax || syntax is AccessorDeclarationSyntax || syntax is ArrowExpressionClauseSyntax))
                {
                    continue;
                }

                if (syntax.SyntaxTree == model.SyntaxTree)
                {
                    return model.GetOperation(syntax);
                }

                if (anyFile && model.Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                {
                    return ModelOf(model.Compilation, syntax.SyntaxTree).GetOperation(syntax);
                }
            }

            return null;
        }

        /// <summary>
        /// The methods <paramref name="operation"/> runs: a call's target, or the accessors a property reference uses (the
        /// getter when it is read, the setter when it is assigned, both for <c>+=</c> and <c>++</c>). None for anything else.
        /// </summary>
        public static IEnumerable<IMethodSymbol> MethodsRun(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation call:
                    return new[] { call.TargetMethod };
                case IPropertyReferenceOperation property:
                    var assigned = property.Parent is IAssignmentOperation assignment && assignment.Target == operation;
                    var both = property.Parent is ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation;
                    var read = both || !assigned ? property.Property.GetMethod : null;
                    var written = both || assigned ? property.Property.SetMethod : null;
                    return new[] { read, written }.Where(method => method != null).Select(method => method!);
                default:
                    return Enumerable.Empty<IMethodSymbol>();
            }
        }

        /// <summary>
        /// The code <paramref name="operation"/> runs (<see cref="MethodsRun"/>) holds <paramref name="reference"/>, or
        /// code it runs does, up to <paramref name="depth"/> calls further down, in any file.
        /// </summary>
        public static bool Reaches(IOperation operation, IOperation reference, int depth) =>
            MethodsRun(operation).Any(method => BodyOf(method, operation, anyFile: true) is { } body &&
                (WorkItems.Holds(body.Syntax, reference.Syntax) ||
                 (depth > 0 && body.Descendants().Any(inner => inner is IInvocationOperation or IPropertyReferenceOperation && Reaches(inner, reference, depth - 1)))));

        /// <summary>
        /// The handlers that <paramref name="caller"/>'s file subscribes to <paramref name="raised"/> (<c>E += handler</c> in
        /// the parts of its type in that file): lambdas, a delegate local holding one, or methods of the file, each with
        /// its body. Raising the event runs them all.
        /// </summary>
        public static List<(IMethodSymbol Function, IOperation Body)> HandlersOf(IEventSymbol raised, IOperation caller)
        {
            var model = caller.SemanticModel;
            return model == null
                ? new List<(IMethodSymbol, IOperation)>()
                : Handlers.GetValue(model, _ => new ConcurrentDictionary<IEventSymbol, List<(IMethodSymbol, IOperation)>>(SymbolEqualityComparer.Default))
                    .GetOrAdd(raised.OriginalDefinition, e => FindHandlers(e, model, caller));
        }

        // The handlers of an event, found once per file: every raise inside work would otherwise read the type's text again.
        private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IEventSymbol, List<(IMethodSymbol, IOperation)>>> Handlers =
            new ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IEventSymbol, List<(IMethodSymbol, IOperation)>>>();

        private static List<(IMethodSymbol Function, IOperation Body)> FindHandlers(IEventSymbol raised, SemanticModel model, IOperation caller)
        {
            var handlers = new List<(IMethodSymbol, IOperation)>();

            foreach (var reference in raised.ContainingType.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != model.SyntaxTree)
                {
                    continue;
                }

                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (!(node is AssignmentExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.AddAssignmentExpression } add) ||
                        SubscribedName(add.Left) != raised.Name ||
                        !(model.GetOperation(add) is IEventAssignmentOperation { Adds: true, EventReference: IEventReferenceOperation subscribed } assignment) ||
                        !SymbolEqualityComparer.Default.Equals(subscribed.Event.OriginalDefinition, raised.OriginalDefinition) ||
                        !(Spawns.SpawnClassifier.HandedDelegate(assignment.HandlerValue, assignment) is { } handler))
                    {
                        continue;
                    }

                    switch (handler.Target)
                    {
                        case IAnonymousFunctionOperation lambda:
                            handlers.Add((lambda.Symbol, lambda.Body));
                            break;
                        case IMethodReferenceOperation { Method: var method } when BodyOf(method, caller) is { } body:
                            handlers.Add((method, body));
                            break;
                    }
                }
            }

            return handlers;
        }

        /// <summary>The event name a <c>+=</c> names: <c>Changed</c>, <c>this.Changed</c>, <c>watcher.Changed</c>.</summary>
        private static string? SubscribedName(ExpressionSyntax left) => left switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.Text,
            MemberAccessExpressionSyntax member => member.Name.Identifier.Text,
            _ => null,
        };

        private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxTree, SemanticModel>> Models =
            new ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxTree, SemanticModel>>();

        /// <summary>One semantic model per file of the compilation, shared by every caller that reads a callee there.</summary>
        /// <summary>The operation of <paramref name="syntax"/>, from any file of <paramref name="caller"/>'s compilation; null when it has none.</summary>
        public static IOperation? OperationOf(SyntaxNode syntax, IOperation caller) =>
            caller.SemanticModel is { } model && model.Compilation.ContainsSyntaxTree(syntax.SyntaxTree)
                ? (syntax.SyntaxTree == model.SyntaxTree ? model : ModelOf(model.Compilation, syntax.SyntaxTree)).GetOperation(syntax)
                : null;

        /// <summary>The model of another file of the compilation, made once per file and compilation.</summary>
        public static SemanticModel ModelOf(Compilation compilation, SyntaxTree tree) =>
#pragma warning disable RS1030 // A callee in another file is read through that file's model; it is made once per file and compilation.
            Models.GetValue(compilation, _ => new ConcurrentDictionary<SyntaxTree, SemanticModel>()).GetOrAdd(tree, t => compilation.GetSemanticModel(t));
#pragma warning restore RS1030

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
