using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// SCOPE024: StartNew, ContinueWith or new Task of an async delegate (or one returning a task) whose outer task is
    /// then waited, awaited, combined, checked or converted to Task as if it were the work. The decision is
    /// <see cref="NestedTaskStart"/>'s; this rule only reports it at the start.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NestedTaskAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The value of <see cref="DiagnosticProperties.Fix"/> when appending .Unwrap() to the start keeps the program compiling.</summary>
        public const string UnwrapFix = "Unwrap";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NestedTaskUsedAsWork);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var symbols = KnownSymbols.Get(start.Compilation);
                if (symbols.Tasks.Task == null || symbols.Tasks.TaskOfT == null)
                {
                    return;
                }

                var classifier = new SpawnClassifier(symbols);
                var options = new SpawnOptions.Cache(start.Options.AnalyzerConfigOptionsProvider);
                start.RegisterOperationAction(c => Analyze(c, classifier, options), OperationKind.Invocation, OperationKind.ObjectCreation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SpawnClassifier classifier, SpawnOptions.Cache options)
        {
            var operation = context.Operation;
            foreach (var site in classifier.Classify(operation, options.Get(operation.Syntax.SyntaxTree)))
            {
                var nested = NestedTaskStart.Find(site, FunctionOf(operation), classifier.Symbols);
                if (nested == null)
                {
                    continue;
                }

                var cause = "'" + site.Api + "' of " + NestedTaskStart.DescribeDelegate(site.Delegate) +
                    (operation.Type is INamedTypeSymbol { IsGenericType: true } ? " returns a Task<Task>" : " runs it as async void");
                var line = nested.Use.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                var remedy = nested.CanUnwrap ? "add .Unwrap()" : site.Operation is IInvocationOperation ? "unwrap it before it is used" : "start the work with Task.Run, which unwraps";
                var properties = nested.CanUnwrap
                    ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Fix, UnwrapFix)
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.NestedTaskUsedAsWork,
                    operation.Syntax.GetLocation(),
                    additionalLocations: new[] { operation.Syntax.GetLocation(), nested.Use.Syntax.GetLocation() },
                    properties,
                    cause,
                    nested.UseName,
                    line,
                    remedy));
            }
        }

        /// <summary>The lambda, local function or member body whose locals can hold the start's task.</summary>
        private static IOperation FunctionOf(IOperation operation)
        {
            var root = operation;
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return parent;
                }

                root = parent;
            }

            return root;
        }
    }
}
