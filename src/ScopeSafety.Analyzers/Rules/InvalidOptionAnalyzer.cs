using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// SCOPE090: an item of scopesafety.unscoped_methods, scopesafety.structured_methods,
    /// scopesafety.not_thread_safe_types, scopesafety.thread_safe_types or scopesafety.checked_thread_safe_types that configures nothing (malformed, cut at a
    /// '#' or ';' comment, or naming a method or type the compilation lacks). Reported once
    /// per compilation and item, at its end, because the option belongs to no source location.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class InvalidOptionAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidOption);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationAction(Check);
        }

        private static void Check(CompilationAnalysisContext context)
        {
            var reported = new HashSet<(string, string)>();
            foreach (var (key, value) in SpawnOptionsCheck.Values(context.Compilation, context.Options.AnalyzerConfigOptionsProvider))
            {
                foreach (var item in SpawnOptionsCheck.Items(key, value))
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    if (!reported.Add((key, item)))
                    {
                        continue;
                    }

                    var problem = SpawnOptionsCheck.Problem(key, item, context.Compilation);
                    if (problem != null)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidOption, Location.None, item, key, problem));
                    }
                }
            }
        }
    }
}
