using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// SCOPE020 and SCOPE022: values that are only valid while a scope runs, used where the scope may have ended.
    /// A <c>Scope</c>, a <c>SpanBorrow</c>/<c>ReadOnlySpanBorrow</c>/<c>RefBorrow</c> and a <c>ScopedTask</c> belong to
    /// one <c>Scope.Run</c>: SCOPE020 reports them leaving it (a field, a static, a collection or a local that outlives
    /// the body, the body's result, unscoped work); SCOPE022 reports a borrow used by work spawned into another, longer
    /// scope than the Run that created the borrow (the memory goes away when that Run returns, the work may still run).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ScopeEscapeAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.ScopeValueEscapes,
            Descriptors.BorrowOutlivedByScope);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext start)
        {
            var types = KnownSymbols.Get(start.Compilation);
            if (types.Runtime.Scope == null)
            {
                return;
            }

            var classifier = new SpawnClassifier(types);
            var options = new SpawnOptions.Cache(start.Options.AnalyzerConfigOptionsProvider);

            start.RegisterOperationAction(
                context => AnalyzeCall(context, types, classifier, options),
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
            start.RegisterOperationAction(context => AnalyzeAssignment(context, types), OperationKind.SimpleAssignment);
            start.RegisterOperationAction(context => AnalyzeReturn(context, types), OperationKind.Return);
        }

        private static void AnalyzeCall(OperationAnalysisContext context, KnownSymbols types, SpawnClassifier classifier, SpawnOptions.Cache options)
        {
            var operation = context.Operation;
            if (operation is IInvocationOperation invocation && types.Runtime.IsSpawn(invocation.TargetMethod))
            {
                CheckSpawnedBorrows(context, types, invocation);
                return;
            }

            if (operation is IInvocationOperation { Instance: { } receiver } call && !call.TargetMethod.IsStatic)
            {
                CheckCollectionStore(context, types, call, receiver);
            }

            // Cheap filter first: only a call that receives a delegate can start work.
            var arguments = operation is IInvocationOperation withArguments ? withArguments.Arguments
                : operation is IObjectCreationOperation creation ? creation.Arguments
                : ImmutableArray<IArgumentOperation>.Empty;
            if (!arguments.Any(a => a.Value.Type?.TypeKind == TypeKind.Delegate))
            {
                return;
            }

            // Unscoped work may run after the scope has ended: nothing scope-bound may go with it.
            foreach (var site in classifier.Classify(operation, options.Get(operation.Syntax.SyntaxTree)))
            {
                if (site.Kind != SpawnKind.Unscoped || !(site.Delegate is IDelegateCreationOperation { Target: IAnonymousFunctionOperation work }))
                {
                    continue;
                }

                foreach (var reference in work.Body.Descendants())
                {
                    var symbol = Places.VariableOf(reference);
                    if (symbol != null && types.Runtime.IsScopeBound(VariableType(symbol)) && IsDeclaredOutside(symbol, work.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.ScopeValueEscapes,
                            reference.Syntax.GetLocation(),
                            symbol.Name,
                            Describe(types, VariableType(symbol)),
                            $"it is captured by work started with {site.Api}, which may still run after the scope has ended"));
                    }
                }
            }
        }

        /// <summary>
        /// SCOPE022: work spawned into a scope uses a borrow; the scope must not outlive the Run the borrow came from,
        /// i.e. it must be that Run's own scope or one created inside its body.
        /// </summary>
        private static void CheckSpawnedBorrows(OperationAnalysisContext context, KnownSymbols types, IInvocationOperation spawn)
        {
            var scopeOrigin = ScopeOrigin(spawn.Instance, types);
            foreach (var argument in spawn.Arguments)
            {
                var value = SpawnClassifier.Unwrap(argument.Value);
                if (types.Runtime.IsBorrow(value.Type))
                {
                    Check(value, value);
                }
                else if (value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation work })
                {
                    foreach (var reference in work.Body.Descendants())
                    {
                        var symbol = Places.VariableOf(reference);
                        if (symbol != null && types.Runtime.IsBorrow(VariableType(symbol)) && IsDeclaredOutside(symbol, work.Syntax))
                        {
                            Check(reference, reference);
                        }
                    }
                }
            }

            void Check(IOperation borrow, IOperation at)
            {
                var borrowOrigin = BorrowOrigin(borrow, types, depth: 0);
                if (borrowOrigin == null)
                {
                    return;
                }

                // Unknown scope origin (e.g. a field): only a scope created inside the borrow's Run is known to end in time,
                // but an unknown one is not reported, to keep the rule quiet where it cannot see.
                if (scopeOrigin == null || borrowOrigin.Syntax.Span.Contains(scopeOrigin.Span))
                {
                    return;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.BorrowOutlivedByScope,
                    at.Syntax.GetLocation(),
                    at.Syntax.ToString(),
                    spawn.Instance?.Syntax.ToString() ?? "the scope"));
            }
        }

        /// <summary>SCOPE020: scope-bound values added to a collection that outlives the scope body.</summary>
        private static void CheckCollectionStore(OperationAnalysisContext context, KnownSymbols types, IInvocationOperation call, IOperation receiver)
        {
            if (!types.Collections.IsCollection(receiver.Type))
            {
                return;
            }

            foreach (var argument in call.Arguments)
            {
                var value = SpawnClassifier.Unwrap(argument.Value);
                if (!types.Runtime.IsScopeBound(value.Type) || !(ScopeBody(call, types) is { } body))
                {
                    continue;
                }

                var holder = LongLived(receiver, body);
                if (holder != null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.ScopeValueEscapes,
                        argument.Syntax.GetLocation(),
                        value.Syntax.ToString(),
                        Describe(types, value.Type),
                        $"it is stored in {holder}, which outlives the body of Scope.Run"));
                }
            }
        }

        /// <summary>SCOPE020: scope-bound values stored in fields, statics, properties or outer locals used after the scope.</summary>
        private static void AnalyzeAssignment(OperationAnalysisContext context, KnownSymbols types)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            var value = SpawnClassifier.Unwrap(assignment.Value);
            if (!types.Runtime.IsScopeBound(value.Type) || value is IDefaultValueOperation || value.ConstantValue.HasValue)
            {
                return;
            }

            string? holder;
            switch (assignment.Target)
            {
                case IMemberReferenceOperation { Member: IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true, Parameters: { IsEmpty: true } } } member:
                    holder = $"static {(member.Member is IFieldSymbol ? "field" : "property")} '{member.Member.Name}'";
                    break;

                // A member of this object outlives the body, unless the object is a ref struct (it lives on the stack of
                // the code that made it). A member of another object counts when that object outlives the body; object
                // initializers (new Work { Task = … }) fill an object whose fate the collection/local rules see.
                case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol { Parameters: { IsEmpty: true } }, Instance: var self } member
                    when Places.IsThis(self) && !member.Member.ContainingType.IsRefLikeType:
                    holder = $"{(member.Member is IFieldSymbol ? "field" : "property")} '{member.Member.Name}'";
                    break;
                case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol { Parameters: { IsEmpty: true } }, Instance: { } instance } member
                    when !member.Member.ContainingType.IsRefLikeType && ScopeBody(assignment, types) is { } memberBody && LongLived(instance, memberBody) is { } owner:
                    holder = $"{(member.Member is IFieldSymbol ? "field" : "property")} '{member.Member.Name}' of {owner}";
                    break;
                case IArrayElementReferenceOperation element when ScopeBody(assignment, types) is { } elementBody:
                    holder = LongLived(element.ArrayReference, elementBody);
                    break;
                case ILocalReferenceOperation _ when ScopeBody(assignment, types) is { } body:
                    holder = LongLived(assignment.Target, body);
                    break;
                default:
                    holder = null;
                    break;
            }

            if (holder != null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ScopeValueEscapes,
                    assignment.Value.Syntax.GetLocation(),
                    value.Syntax.ToString(),
                    Describe(types, value.Type),
                    $"it is stored in {holder}, which outlives the scope"));
            }
        }

        /// <summary>SCOPE020: a scope-bound value as the result of a Scope.Run body.</summary>
        private static void AnalyzeReturn(OperationAnalysisContext context, KnownSymbols types)
        {
            var returned = (IReturnOperation)context.Operation;
            if (returned.ReturnedValue == null || returned.Kind != OperationKind.Return)
            {
                return;
            }

            var value = SpawnClassifier.Unwrap(returned.ReturnedValue);
            if (!types.Runtime.IsScopeBound(value.Type) || value is IDefaultValueOperation || value.ConstantValue.HasValue)
            {
                return;
            }

            // The return must belong to the body lambda itself, not to a lambda nested in it.
            var function = returned.Parent;
            while (function != null && !(function is IAnonymousFunctionOperation) && !(function is ILocalFunctionOperation))
            {
                function = function.Parent;
            }

            // Scope.Run(s => s.Spawn(…)) binds to Run<TResult> and returns the task; discarding Run's result lets nothing out.
            if (function is IAnonymousFunctionOperation lambda && IsRunBody(lambda, types) &&
                lambda.Parent?.Parent?.Parent is IInvocationOperation run && !IsDiscarded(run))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ScopeValueEscapes,
                    value.Syntax.GetLocation(),
                    value.Syntax.ToString(),
                    Describe(types, value.Type),
                    "it is returned from the body of Scope.Run, which ends the scope"));
            }
        }

        private static bool IsDiscarded(IOperation value)
        {
            var parent = value.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            return parent is IExpressionStatementOperation ||
                   parent is ISimpleAssignmentOperation { Target: IDiscardOperation };
        }

        /// <summary>The lambda that is the body of Scope.Run/RunAsync (borrowing overloads included).</summary>
        private static bool IsRunBody(IAnonymousFunctionOperation lambda, KnownSymbols types) =>
            lambda.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation run } } &&
            types.Runtime.IsRun(run.TargetMethod);

        /// <summary>The innermost Scope.Run body around the operation, within the same method.</summary>
        private static IAnonymousFunctionOperation? ScopeBody(IOperation operation, KnownSymbols types)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda && IsRunBody(lambda, types))
                {
                    return lambda;
                }

                if (current is ILocalFunctionOperation)
                {
                    return null;
                }
            }

            return null;
        }

        /// <summary>
        /// A description of the storage when it outlives the body: a field, a static, or a local declared outside the
        /// body that code after the body reads. Null when the storage ends with the body.
        /// </summary>
        private static string? LongLived(IOperation storage, IAnonymousFunctionOperation body)
        {
            storage = SpawnClassifier.Unwrap(storage);
            switch (storage)
            {
                case IFieldReferenceOperation field:
                    return $"{(field.Field.IsStatic ? "static field" : "field")} '{field.Field.Name}'";
                case IPropertyReferenceOperation property when property.Instance == null || property.Instance is IInstanceReferenceOperation:
                    return $"{(property.Property.IsStatic ? "static property" : "property")} '{property.Property.Name}'";
                case ILocalReferenceOperation local when IsDeclaredOutside(local.Local, body.Syntax) && IsUsedOutside(local.Local, body):
                    return $"'{local.Local.Name}'";
                case IParameterReferenceOperation parameter when IsDeclaredOutside(parameter.Parameter, body.Syntax) && parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction }:
                    return $"parameter '{parameter.Parameter.Name}'";
                default:
                    return null;
            }
        }

        /// <summary>Whether the method reads or writes the local anywhere outside the body.</summary>
        private static bool IsUsedOutside(ILocalSymbol local, IAnonymousFunctionOperation body)
        {
            var root = body.Parent;
            while (root?.Parent != null)
            {
                root = root.Parent;
            }

            return root != null && root.Descendants().Any(o =>
                o is ILocalReferenceOperation reference &&
                SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                !body.Syntax.Span.Contains(o.Syntax.Span) &&
                !(o.Parent is IVariableDeclaratorOperation));
        }

        /// <summary>Where the scope comes from: the Run body (or Spawn(Action&lt;Scope&gt;) work of it) that declares it.</summary>
        private static SyntaxNode? ScopeOrigin(IOperation? scope, KnownSymbols types)
        {
            for (var depth = 0; depth < 8 && scope != null; depth++)
            {
                scope = SpawnClassifier.Unwrap(scope);
                if (!(scope is IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } } parameter }))
                {
                    // A method's parameter: a scope from outside the method, which outlives any Run inside it.
                    return scope is IParameterReferenceOperation { Parameter: { } outer } ? outer.ContainingSymbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() : null;
                }

                var lambda = scope.Parent;
                while (lambda != null && !(lambda is IAnonymousFunctionOperation anonymous && SymbolEqualityComparer.Default.Equals(anonymous.Symbol, parameter.ContainingSymbol)))
                {
                    lambda = lambda.Parent;
                }

                if (!(lambda?.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation owner } }))
                {
                    return null;
                }

                if (types.Runtime.IsRun(owner.TargetMethod))
                {
                    return lambda.Syntax;
                }

                // Spawn(s => …) hands over the same scope it was called on.
                if (types.Runtime.IsSpawn(owner.TargetMethod))
                {
                    scope = owner.Instance;
                    continue;
                }

                return null;
            }

            return null;
        }

        /// <summary>The Run body lambda whose borrow the value is (through Slice, AsReadOnly and copies in locals).</summary>
        private static IAnonymousFunctionOperation? BorrowOrigin(IOperation? value, KnownSymbols types, int depth)
        {
            if (value == null || depth > 8)
            {
                return null;
            }

            value = SpawnClassifier.Unwrap(value);
            switch (value)
            {
                case IInvocationOperation { Instance: { } instance } call when types.Runtime.IsBorrow(call.TargetMethod.ContainingType):
                    return BorrowOrigin(instance, types, depth + 1);
                case IConversionOperation { OperatorMethod: { } } conversion:
                    return BorrowOrigin(conversion.Operand, types, depth + 1);
                case IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } } parameter } reference:
                {
                    IOperation? lambda = reference;
                    while (lambda != null && !(lambda is IAnonymousFunctionOperation anonymous && SymbolEqualityComparer.Default.Equals(anonymous.Symbol, parameter.ContainingSymbol)))
                    {
                        lambda = lambda.Parent;
                    }

                    return lambda is IAnonymousFunctionOperation body && IsRunBody(body, types) ? body : null;
                }

                case ILocalReferenceOperation local:
                {
                    // A borrow held in a local: follow its one initializer, if it is never reassigned.
                    var root = Flow.Functions.Root(value);

                    IOperation? initializer = null;
                    var writes = 0;
                    foreach (var operation in root.Descendants())
                    {
                        if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local))
                        {
                            initializer = declarator.GetVariableInitializer()?.Value;
                            writes++;
                        }
                        else if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment && SymbolEqualityComparer.Default.Equals(target.Local, local.Local))
                        {
                            initializer = assignment.Value;
                            writes++;
                        }
                    }

                    return writes == 1 ? BorrowOrigin(initializer, types, depth + 1) : null;
                }

                default:
                    return null;
            }
        }

        private static ITypeSymbol? VariableType(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };

        private static bool IsDeclaredOutside(ISymbol symbol, SyntaxNode node) =>
            symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree != node.SyntaxTree || !node.Span.Contains(r.Span));

        private static string Describe(KnownSymbols types, ITypeSymbol? type) =>
            SymbolEqualityComparer.Default.Equals(type, types.Runtime.Scope) ? "a scope" : types.Runtime.IsBorrow(type) ? "a borrow" : "a scoped task";
    }
}
