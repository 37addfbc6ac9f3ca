using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers
{
    /// <summary>The runtime's Scope and ScopedTask members the usage rules (SCOPE021, SCOPE023) match, by symbol.</summary>
    internal sealed class ScopeApis
    {
        private ScopeApis(Compilation compilation, INamedTypeSymbol scope)
        {
            Scope = scope;
            ScopedTask = compilation.GetTypeByMetadataName("ScopeSafety.ScopedTask");
            ScopedTaskOfT = compilation.GetTypeByMetadataName("ScopeSafety.ScopedTask`1");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            Spawn = Methods(scope, "Spawn");
            Run = Methods(scope, "Run");
            Join = Methods(scope, "Join");
            SpawnAsync = Methods(scope, "SpawnAsync");
            RunAsync = Methods(scope, "RunAsync");
            TaskJoin = Methods(ScopedTask, "Join").Union(Methods(ScopedTaskOfT, "Join"), SymbolEqualityComparer.Default).ToImmutableHashSet(SymbolEqualityComparer.Default);
        }

        public INamedTypeSymbol Scope { get; }
        public INamedTypeSymbol? ScopedTask { get; }
        public INamedTypeSymbol? ScopedTaskOfT { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? ValueTask { get; }
        public INamedTypeSymbol? ValueTaskOfT { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public ImmutableHashSet<ISymbol> Spawn { get; }
        public ImmutableHashSet<ISymbol> Run { get; }
        public ImmutableHashSet<ISymbol> Join { get; }
        public ImmutableHashSet<ISymbol> SpawnAsync { get; }
        public ImmutableHashSet<ISymbol> RunAsync { get; }
        public ImmutableHashSet<ISymbol> TaskJoin { get; }

        /// <summary>The APIs of a compilation that references ScopeSafety; null otherwise (then nothing is registered).</summary>
        public static ScopeApis? Create(Compilation compilation)
        {
            var scope = compilation.GetTypeByMetadataName("ScopeSafety.Scope");
            return scope == null ? null : new ScopeApis(compilation, scope);
        }

        public static bool IsIn(ImmutableHashSet<ISymbol> set, IMethodSymbol method) =>
            set.Contains(method.OriginalDefinition) || (method.ReducedFrom != null && set.Contains(method.ReducedFrom.OriginalDefinition));

        /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt; or a type derived from them.</summary>
        public bool IsTaskLike(ITypeSymbol? type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                var original = t.OriginalDefinition;
                if (Same(original, Task) || Same(original, TaskOfT) || Same(original, ValueTask) || Same(original, ValueTaskOfT))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The innermost lambda, anonymous method or local function holding the operation; null for the member body.</summary>
        public static IOperation? EnclosingFunction(IOperation operation)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return parent;
                }
            }

            return null;
        }

        /// <summary>Whether the code at <paramref name="operation"/> runs in an async function (method, local function or lambda).</summary>
        public static bool IsInAsyncFunction(IOperation operation, ISymbol containingSymbol)
        {
            switch (EnclosingFunction(operation))
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Symbol.IsAsync;
                case ILocalFunctionOperation local:
                    return local.Symbol.IsAsync;
                default:
                    return containingSymbol is IMethodSymbol { IsAsync: true };
            }
        }

        /// <summary>Whether the invocation's syntax names its type arguments (<c>Spawn&lt;Task&gt;(…)</c>): then a task result is meant.</summary>
        public static bool HasExplicitTypeArguments(IInvocationOperation invocation)
        {
            var expression = (invocation.Syntax as InvocationExpressionSyntax)?.Expression;
            if (expression is MemberAccessExpressionSyntax member)
            {
                expression = member.Name;
            }
            else if (expression is MemberBindingExpressionSyntax binding)
            {
                expression = binding.Name;
            }

            return expression is GenericNameSyntax;
        }

        private static bool Same(ITypeSymbol type, INamedTypeSymbol? known) =>
            known != null && SymbolEqualityComparer.Default.Equals(type, known);

        private static ImmutableHashSet<ISymbol> Methods(INamedTypeSymbol? type, string name) =>
            type == null
                ? ImmutableHashSet<ISymbol>.Empty
                : type.GetMembers(name).OfType<IMethodSymbol>().Cast<ISymbol>().ToImmutableHashSet(SymbolEqualityComparer.Default);
    }
}
