using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// SCOPE023: asynchronous work (an async lambda or async method, also through a cast or a delegate local, or a
    /// delegate whose inferred result is a task) handed to the synchronous Scope.Spawn, Scope.Go, Scope.Run or Scope.Join,
    /// which would end the scope at the work's first await.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AsyncWorkInSynchronousScopeAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Rename Spawn or Go to SpawnAsync (the work is a parameterless async lambda or method group).</summary>
        public const string SpawnAsyncFix = "SpawnAsync";

        /// <summary>Replace Run by await RunAsync (the body is an async lambda taking the scope).</summary>
        public const string RunAsyncFix = "RunAsync";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AsyncWorkInSynchronousScope);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var apis = KnownSymbols.Get(start.Compilation);
                if (apis.Runtime.Scope == null)
                {
                    return;
                }

                start.RegisterOperationAction(c => Analyze(c, apis), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, KnownSymbols apis)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            string api;
            string replacement;
            var spawn = RuntimeSymbols.IsIn(apis.Runtime.Spawn, method);
            if (spawn)
            {
                api = "Scope." + method.Name;
                replacement = "SpawnAsync";
            }
            else if (RuntimeSymbols.IsIn(apis.Runtime.Run, method))
            {
                api = "Scope.Run";
                replacement = "'await Scope.RunAsync(async scope => ...)'";
            }
            else if (RuntimeSymbols.IsIn(apis.Runtime.Join, method))
            {
                api = "Scope.Join";
                replacement = "SpawnAsync inside Scope.RunAsync";
            }
            else
            {
                return;
            }

            foreach (var argument in invocation.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter == null || parameter.Type.TypeKind != TypeKind.Delegate || argument.IsImplicit)
                {
                    continue;
                }

                var value = SpawnClassifier.Unwrap(argument.Value);
                var creation = value as IDelegateCreationOperation;
                var throughLocal = false;
                if (value is ILocalReferenceOperation reference && reference.Local.Type?.TypeKind == TypeKind.Delegate)
                {
                    creation = AsyncValueOf(reference.Local, invocation);
                    throughLocal = true;
                }

                var what = Describe(creation, throughLocal, value);
                if (what == null && ((!Functions.HasExplicitTypeArguments(invocation) && ReturnsInferredTask(apis, method, parameter)) || DropsTask(apis, creation)))
                {
                    what = "Work returning a task";
                }

                if (what == null)
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty;
                var fix = FixFor(apis, spawn, api, creation, throughLocal, invocation, context.ContainingSymbol);
                if (fix != null)
                {
                    properties = properties.Add(DiagnosticProperties.Fix, fix);
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AsyncWorkInSynchronousScope,
                    argument.Syntax.GetLocation(),
                    properties,
                    what,
                    api,
                    replacement));
            }
        }

        /// <summary>
        /// An async lambda or async method group that a delegate local of the member is given (by its initialiser or an
        /// assignment, also in an enclosing function): the local may hold async work when the spawn runs. Null if none.
        /// </summary>
        private static IDelegateCreationOperation? AsyncValueOf(ILocalSymbol local, IOperation spawn)
        {
            var root = Flow.Functions.Root(spawn);

            foreach (var operation in root.Descendants())
            {
                IOperation? value = null;
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        value = declarator.Initializer?.Value;
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        value = assignment.Value;
                        break;
                }

                if (value != null && SpawnClassifier.Unwrap(value) is IDelegateCreationOperation creation && IsAsyncWork(creation))
                {
                    return creation;
                }
            }

            return null;
        }

        private static bool IsAsyncWork(IDelegateCreationOperation creation) =>
            creation.Target is IAnonymousFunctionOperation { Symbol: { IsAsync: true } } ||
            creation.Target is IMethodReferenceOperation { Method: { IsAsync: true } };

        private static string? Describe(IDelegateCreationOperation? creation, bool throughLocal, IOperation value)
        {
            string? kind;
            switch (creation?.Target)
            {
                case IAnonymousFunctionOperation lambda when lambda.Symbol.IsAsync:
                    kind = "async lambda";
                    break;
                case IMethodReferenceOperation reference when reference.Method.IsAsync:
                    kind = "async method '" + reference.Method.Name + "'";
                    break;
                default:
                    return null;
            }

            // "The delegate 'work', an async lambda," / "An async lambda"
            return throughLocal
                ? "The delegate '" + ((ILocalReferenceOperation)value).Local.Name + "', an " + kind + ","
                : "An " + kind;
        }

        /// <summary>
        /// Spawn&lt;T&gt;(Func&lt;T&gt;) or Run&lt;TResult&gt;(Func&lt;Scope, TResult&gt;) where the compiler inferred a task type
        /// for the result: the work starts asynchronous work and hands back a task that the scope does not await.
        /// </summary>
        private static bool ReturnsInferredTask(KnownSymbols apis, IMethodSymbol method, IParameterSymbol parameter)
        {
            if (!method.IsGenericMethod || parameter.Ordinal >= method.OriginalDefinition.Parameters.Length)
            {
                return false;
            }

            var declared = method.OriginalDefinition.Parameters[parameter.Ordinal].Type as INamedTypeSymbol;
            var invoke = declared?.DelegateInvokeMethod;
            if (invoke == null || invoke.ReturnType.TypeKind != TypeKind.TypeParameter)
            {
                return false;
            }

            return apis.Tasks.IsTaskLike((parameter.Type as INamedTypeSymbol)?.DelegateInvokeMethod?.ReturnType);
        }

        /// <summary>
        /// An expression lambda whose value is a task, given where the delegate returns nothing: scope.Go(() =&gt; SaveAsync())
        /// drops the task as Spawn&lt;Task&gt;'s inferred result would be left unawaited. A block body that ignores a task
        /// (() =&gt; { _ = SaveAsync(); }) says so on purpose, as an explicit Spawn&lt;Task&gt; does.
        /// </summary>
        private static bool DropsTask(KnownSymbols apis, IDelegateCreationOperation? creation)
        {
            // An expression body is an implicit statement (and an implicit return); a block's statements are explicit.
            if (!(creation?.Target is IAnonymousFunctionOperation { Symbol: { IsAsync: false, ReturnsVoid: true } } lambda) ||
                lambda.Body.Operations.IsEmpty || !(lambda.Body.Operations[0] is IExpressionStatementOperation { IsImplicit: true } statement))
            {
                return false;
            }

            for (var i = 1; i < lambda.Body.Operations.Length; i++)
            {
                if (!(lambda.Body.Operations[i] is IReturnOperation { IsImplicit: true, ReturnedValue: null }))
                {
                    return false;
                }
            }

            return apis.Tasks.IsTaskLike(statement.Operation.Type);
        }

        /// <summary>Which mechanical fix keeps the meaning; null when none does.</summary>
        private static string? FixFor(KnownSymbols apis, bool spawn, string api, IDelegateCreationOperation? creation, bool throughLocal, IInvocationOperation invocation, ISymbol containingSymbol)
        {
            if (creation == null || throughLocal)
            {
                return null;
            }

            IMethodSymbol work;
            switch (creation.Target)
            {
                case IAnonymousFunctionOperation lambda when lambda.Symbol.IsAsync:
                    work = lambda.Symbol;
                    break;
                case IMethodReferenceOperation reference when reference.Method.IsAsync && !reference.Method.ReturnsVoid:
                    // (An async void method cannot be awaited by SpawnAsync either.)
                    work = reference.Method;
                    break;
                default:
                    return null;
            }

            var resultUnused = invocation.Parent is IExpressionStatementOperation;
            if (spawn && work.Parameters.Length == 0)
            {
                // SpawnAsync(Func<Task>) runs the same work and waits for it. Work with a result changes the returned
                // type from ScopedTask<Task<T>> to ScopedTask<T>, so there the fix is offered only if the result is unused.
                // Go returns nothing: its work is async void, and the ScopedTask SpawnAsync returns is left unused.
                var noResult = work.ReturnsVoid || SymbolEqualityComparer.Default.Equals(work.ReturnType, apis.Tasks.Task);
                return noResult || resultUnused ? SpawnAsyncFix : null;
            }

            // 'await' needs an async function around the call; a statement keeps the result type out of the question.
            if (api == "Scope.Run" && work.Parameters.Length == 1 && creation.Target is IAnonymousFunctionOperation &&
                resultUnused && Functions.IsInAsyncFunction(invocation, containingSymbol))
            {
                return RunAsyncFix;
            }

            return null;
        }
    }
}
