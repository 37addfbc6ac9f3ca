using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>One read or write of a local or parameter.</summary>
    internal sealed class VariableAccess
    {
        public VariableAccess(ISymbol variable, IOperation operation, bool isRead, bool isWrite, bool isSynchronised, IOperation? reference = null)
        {
            Variable = variable;
            Operation = operation;
            Reference = reference ?? operation;
            IsRead = isRead;
            IsWrite = isWrite;
            IsSynchronised = isSynchronised;
        }

        public ISymbol Variable { get; }

        /// <summary>The reference, or the call of a local function that accesses the variable.</summary>
        public IOperation Operation { get; }

        /// <summary>
        /// The reference itself, also when <see cref="Operation"/> stands for it (a local function run by method group):
        /// whether it is atomic or under a lock is read here, not at the call.
        /// </summary>
        public IOperation Reference { get; }

        public bool IsRead { get; }

        public bool IsWrite { get; }

        /// <summary>Through Interlocked/Volatile by ref, or inside a lock statement.</summary>
        public bool IsSynchronised { get; }

        /// <summary>Whether two accesses may race: one of them writes and not both are synchronised.</summary>
        public static bool Conflict(VariableAccess a, VariableAccess b) =>
            (a.IsWrite || b.IsWrite) && !(a.IsSynchronised && b.IsSynchronised);
    }

    /// <summary>What a spawned delegate captures: the locals and parameters of enclosing code it reads or writes.</summary>
    internal sealed class DelegateCaptures
    {
        private DelegateCaptures(IOperation delegateOperation, IMethodSymbol? function, bool isStatic, ImmutableArray<VariableAccess> accesses, SyntaxNode? body)
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
        public ImmutableArray<VariableAccess> Accesses { get; }

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
                    if (seen.Add(access.Variable))
                    {
                        yield return access.Variable;
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
                    var accesses = ImmutableArray.CreateBuilder<VariableAccess>();
                    new AccessCollector(root, symbols).Collect(lambda.Body, lambda.Symbol, accesses, null, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));
                    return new DelegateCaptures(delegateCreation, lambda.Symbol, lambda.Symbol.IsStatic, accesses.ToImmutable(), lambda.Syntax);
                }

                case IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } method }:
                {
                    var accesses = ImmutableArray.CreateBuilder<VariableAccess>();
                    var collector = new AccessCollector(root, symbols);
                    var function = collector.FindLocalFunction(method);
                    if (function?.Body != null)
                    {
                        // The whole delegate argument stands for every access: there is no reference inside it.
                        collector.Collect(function.Body, method, accesses, delegateCreation, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method.OriginalDefinition });
                    }

                    return new DelegateCaptures(delegateCreation, method, method.IsStatic, accesses.ToImmutable(), function?.Syntax);
                }

                case IMethodReferenceOperation reference:
                    // An instance method captures 'this' only, a static one nothing: no stack state either way.
                    return new DelegateCaptures(delegateCreation, reference.Method, reference.Method.IsStatic, ImmutableArray<VariableAccess>.Empty, null);

                default:
                    return new DelegateCaptures(delegateCreation, null, false, ImmutableArray<VariableAccess>.Empty, null);
            }
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

    /// <summary>Walks operations and records reads and writes of locals and parameters.</summary>
    internal sealed class AccessCollector
    {
        private readonly IOperation _root;
        private readonly KnownSymbols _symbols;

        public AccessCollector(IOperation root, KnownSymbols symbols)
        {
            _root = root;
            _symbols = symbols;
        }

        public ILocalFunctionOperation? FindLocalFunction(IMethodSymbol method)
        {
            foreach (var operation in _root.DescendantsAndSelf())
            {
                if (operation is ILocalFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, method.OriginalDefinition))
                {
                    return function;
                }
            }

            return null;
        }

        /// <summary>
        /// Records accesses under <paramref name="body"/> to variables declared outside <paramref name="function"/>,
        /// following calls of local functions. When <paramref name="attributeTo"/> is set every access is recorded at it.
        /// </summary>
        public void Collect(IOperation? body, IMethodSymbol function, ImmutableArray<VariableAccess>.Builder accesses, IOperation? attributeTo, HashSet<IMethodSymbol> visited)
        {
            if (body == null)
            {
                return;
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                ISymbol? variable = operation switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };

                if (variable != null)
                {
                    // A const is a value, never a variable two threads could share.
                    if (!DelegateCaptures.IsDeclaredIn(variable, function) && !(variable is ILocalSymbol { IsConst: true }))
                    {
                        var (read, write) = Kind(operation);
                        var synchronised = IsSynchronised(operation, body);
                        accesses.Add(new VariableAccess(variable, attributeTo ?? operation, read, write, synchronised, operation));
                    }

                    continue;
                }

                var called = operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod,
                    IMethodReferenceOperation reference => reference.Method,
                    _ => null,
                };

                if (called is { MethodKind: MethodKind.LocalFunction } && visited.Add(called.OriginalDefinition))
                {
                    var local = FindLocalFunction(called);
                    if (local?.Body != null)
                    {
                        var nested = ImmutableArray.CreateBuilder<VariableAccess>();
                        Collect(local.Body, local.Symbol, nested, attributeTo ?? operation, visited);
                        foreach (var access in nested)
                        {
                            if (!DelegateCaptures.IsDeclaredIn(access.Variable, function))
                            {
                                accesses.Add(access);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Whether a reference reads and/or writes its variable.</summary>
        public static (bool Read, bool Write) Kind(IOperation reference)
        {
            var current = reference;
            var parent = current.Parent;

            // A field of a struct local written through the local writes the local.
            while (parent is IFieldReferenceOperation field && field.Instance == current && current.Type?.IsValueType == true)
            {
                current = parent;
                parent = current.Parent;
            }

            while (parent is ITupleOperation)
            {
                current = parent;
                parent = current.Parent;
            }

            switch (parent)
            {
                case IDeconstructionAssignmentOperation deconstruction when deconstruction.Target == current:
                    return (false, true);
                case ISimpleAssignmentOperation assignment when assignment.Target == current:
                    return (assignment.IsRef, true);
                case ISimpleAssignmentOperation assignment when assignment.IsRef && assignment.Value == current:
                    return (true, true);
                case ICompoundAssignmentOperation compound when compound.Target == current:
                    return (true, true);
                case ICoalesceAssignmentOperation coalesce when coalesce.Target == current:
                    return (true, true);
                case IIncrementOrDecrementOperation _:
                    return (true, true);
                case IArgumentOperation argument when argument.Parameter?.RefKind == RefKind.Out:
                    return (false, true);
                case IArgumentOperation argument when argument.Parameter?.RefKind == RefKind.Ref:
                    return (true, RefArgumentWrites.Writes(argument.Parameter));
                case IAddressOfOperation _:
                    return (true, true);
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation { Symbol: { IsRef: true } }:
                    return (true, true);
                default:
                    return (true, false);
            }
        }

        private bool IsSynchronised(IOperation reference, IOperation boundary)
        {
            if (reference.Parent is IArgumentOperation { Parent: IInvocationOperation call } &&
                (KnownSymbols.Is(call.TargetMethod.ContainingType, _symbols.Interlocked) || KnownSymbols.Is(call.TargetMethod.ContainingType, _symbols.Volatile)))
            {
                return true;
            }

            return IsInsideLock(reference, boundary);
        }

        /// <summary>Inside the body of a lock statement, below <paramref name="boundary"/>.</summary>
        public static bool IsInsideLock(IOperation operation, IOperation? boundary)
        {
            var child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is ILockOperation lockOperation && lockOperation.Body == child)
                {
                    return true;
                }

                if (parent == boundary || parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }
    }
}
