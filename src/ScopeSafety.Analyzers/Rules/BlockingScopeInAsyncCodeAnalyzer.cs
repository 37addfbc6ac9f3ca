using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// SCOPE021: Scope.Run or ScopedTask.Join() blocking a thread in async code: an async method, async lambda or
    /// local function, or the body of Scope.RunAsync / work of SpawnAsync.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BlockingScopeInAsyncCodeAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Replace task.Join() by await task.</summary>
        public const string AwaitTaskFix = "AwaitTask";

        /// <summary>Replace Scope.Run(scope => …) by await Scope.RunAsync(async scope => …).</summary>
        public const string RunAsyncFix = "RunAsync";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.BlockingScopeInAsyncCode);

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
            var isJoin = RuntimeSymbols.IsIn(apis.Runtime.TaskJoin, method);
            var isRun = !isJoin && RuntimeSymbols.IsIn(apis.Runtime.Run, method) && IsScopeBodyRun(method, apis);
            if (!isJoin && !isRun)
            {
                return;
            }

            var inAsyncFunction = Functions.IsInAsyncFunction(invocation, context.ContainingSymbol);
            if (!inAsyncFunction && !IsInAsyncScopeWork(invocation, apis))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            string what;
            string instead;
            if (isJoin)
            {
                what = "Join()";
                instead = "'await' on the task";
                if (inAsyncFunction && invocation.Instance != null)
                {
                    properties = properties.Add(DiagnosticProperties.Fix, AwaitTaskFix);
                }
            }
            else
            {
                what = "Scope.Run";
                instead = "'await Scope.RunAsync(async scope => ...)'";
                if (inAsyncFunction && invocation.Parent is IExpressionStatementOperation)
                {
                    properties = properties.Add(DiagnosticProperties.Fix, RunAsyncFix);
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.BlockingScopeInAsyncCode, invocation.Syntax.GetLocation(), properties, what, instead));
        }

        /// <summary>Run(body) and Run(body, token): the overloads whose only input is the body (not the span or ref borrows).</summary>
        private static bool IsScopeBodyRun(IMethodSymbol method, KnownSymbols apis)
        {
            var parameters = method.OriginalDefinition.Parameters;
            return parameters.Length >= 1 && parameters[0].Type.TypeKind == TypeKind.Delegate &&
                (parameters.Length == 1 || (parameters.Length == 2 && SymbolEqualityComparer.Default.Equals(parameters[1].Type, apis.Threading.CancellationToken)));
        }

        /// <summary>A non-async lambda that is itself the body of Scope.RunAsync or the work of SpawnAsync.</summary>
        private static bool IsInAsyncScopeWork(IOperation operation, KnownSymbols apis)
        {
            if (!(Functions.EnclosingFunction(operation) is IAnonymousFunctionOperation lambda))
            {
                return false;
            }

            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            return parent is IArgumentOperation { Parent: IInvocationOperation target } &&
                (RuntimeSymbols.IsIn(apis.Runtime.RunAsync, target.TargetMethod) || RuntimeSymbols.IsIn(apis.Runtime.SpawnAsync, target.TargetMethod));
        }
    }
}
