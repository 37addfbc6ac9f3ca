using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>What a spawned delegate captures: the locals and parameters of enclosing code it reads or writes.</summary>
    internal sealed class DelegateCaptures
    {
        private DelegateCaptures(IOperation delegateOperation, IMethodSymbol? function, bool isStatic, ImmutableArray<Access> accesses, SyntaxNode? body)
        {
            DelegateOperation = delegateOperation;
            Function = function;
            IsStatic = isStatic;
            Accesses = accesses;
            Body = body;
        }

        public IOperation DelegateOperation { get; }

        /// <summary>The lambda, anonymous method, local function or method the delegate runs.</summary>
        public IMethodSymbol? Function { get; }

        public bool IsStatic { get; }

        /// <summary>Every access to a captured variable, in source order.</summary>
        public ImmutableArray<Access> Accesses { get; }

        /// <summary>The syntax of the code that runs as the work (lambda or local function), when it is in this method.</summary>
        public SyntaxNode? Body { get; }

        /// <summary>The captured variables in order of their first access.</summary>
        public IEnumerable<ISymbol> Variables
        {
            get
            {
                var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                foreach (var access in Accesses)
                {
                    if (seen.Add(access.Place))
                    {
                        yield return access.Place;
                    }
                }
            }
        }

        /// <summary>Analyses the delegate of a spawn. <paramref name="root"/> is the operation block that holds it (to find local functions).</summary>
        public static DelegateCaptures Analyze(IOperation delegateCreation, IOperation root, KnownSymbols symbols)
        {
            var target = delegateCreation is IDelegateCreationOperation creation ? creation.Target : delegateCreation;
            switch (target)
            {
                case IAnonymousFunctionOperation lambda:
                {
                    var accesses = ImmutableArray.CreateBuilder<Access>();
                    new AccessCollector(root, symbols).Collect(lambda.Body, lambda.Symbol, accesses, null, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));
                    return new DelegateCaptures(delegateCreation, lambda.Symbol, lambda.Symbol.IsStatic, accesses.ToImmutable(), lambda.Syntax);
                }

                case IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } method }:
                    return OfLocalFunction(delegateCreation, method, root, symbols);

                case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } called }:
                    // An async local function called and left running (see AsyncRuns.IsCallLeftRunning).
                    return OfLocalFunction(delegateCreation, called, root, symbols);

                case IMethodReferenceOperation reference:
                    // An instance method captures 'this' only, a static one nothing: no stack state either way.
                    return new DelegateCaptures(delegateCreation, reference.Method, reference.Method.IsStatic, ImmutableArray<Access>.Empty, null);

                default:
                    return new DelegateCaptures(delegateCreation, null, false, ImmutableArray<Access>.Empty, null);
            }
        }

        /// <summary>A local function's captures, named by method group or called: every access is reported at <paramref name="delegateCreation"/>.</summary>
        private static DelegateCaptures OfLocalFunction(IOperation delegateCreation, IMethodSymbol method, IOperation root, KnownSymbols symbols)
        {
            var accesses = ImmutableArray.CreateBuilder<Access>();
            var collector = new AccessCollector(root, symbols);
            var function = collector.FindLocalFunction(method);
            if (function?.Body != null)
            {
                // The whole delegate argument (or call) stands for every access: there is no reference inside it.
                collector.Collect(function.Body, method, accesses, delegateCreation, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method.OriginalDefinition });
            }

            return new DelegateCaptures(delegateCreation, method, method.IsStatic, accesses.ToImmutable(), function?.Syntax);
        }

        /// <summary>True when <paramref name="variable"/> is declared inside <paramref name="function"/> (or a function nested in it).</summary>
        public static bool IsDeclaredIn(ISymbol variable, IMethodSymbol function)
        {
            for (var s = variable.ContainingSymbol; s != null; s = s.ContainingSymbol)
            {
                if (SymbolEqualityComparer.Default.Equals(s, function))
                {
                    return true;
                }

                if (s is INamedTypeSymbol)
                {
                    return false;
                }
            }

            return false;
        }
    }
}
