using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Which awaits, and which blocking waits on a task (<c>.Result</c>, <c>.Wait()</c>, <c>GetAwaiter().GetResult()</c>),
    /// may wait for the work: only those that can reach it. A task completes when the code that makes it says so, so a
    /// wait can follow the work only through the work's handle, a signal the work may give (<see cref="SignalObjects"/>), an
    /// object both sides use (a pipe, a dataflow block, another library's event), or code of the project's own, which may
    /// wait for anything. An await of a library call on objects the work never touches (<c>await http.GetStringAsync(url)</c>,
    /// <c>await stream.ReadAsync(…)</c> on a stream the work does not use) completes without the work, as its synchronous
    /// twin (<c>stream.Read(…)</c>, which is no wait) does.
    /// </summary>
    internal sealed partial class CallersAfterCall
    {
        /// <summary>
        /// What an await may meet the work through (see the class), read once per work; null where the work's code is not
        /// known, and then every await may wait for it.
        /// </summary>
        internal sealed class WorkTrace
        {
            public WorkTrace(HashSet<ISymbol> members, SyntaxNode? site, IMethodSymbol? method)
            {
                Members = members;
                Site = site;
                Method = method;
            }

            /// <summary>The fields, properties and events named in the work's code and the source methods it runs.</summary>
            public HashSet<ISymbol> Members { get; }

            /// <summary>The spawn that starts the work, whose task is the work's.</summary>
            public SyntaxNode? Site { get; }

            /// <summary>The async method whose continuation the work is, whose task completes after it.</summary>
            public IMethodSymbol? Method { get; }
        }

        private WorkTrace? SharedBy(WorkItem item) =>
            _sharedByWork.GetOrAdd(item.Site.Operation, _ =>
                ReadReached(item.Target as IMethodReferenceOperation, item.Body, item.Host).Members is { } members ? new WorkTrace(members, item.Site.Operation.Syntax, null) : null);

        /// <summary>As <see cref="SharedBy(WorkItem)"/>, for the continuation of <paramref name="method"/>, known only by its code.</summary>
        private WorkTrace? SharedBy(IOperation? workBody, IMethodSymbol method) =>
            workBody == null ? null : _sharedByWork.GetOrAdd(workBody, body => new WorkTrace(ReadReached(null, body, body).Members!, null, method.OriginalDefinition));

        /// <summary>
        /// An await may wait for the work (see the class): it acquires a signal object, or what it waits for
        /// (<see cref="MayBeTheWorks"/>) may be the work's.
        /// </summary>
        private bool AwaitMayWait(IAwaitOperation awaited, ISymbol? handle, WorkTrace? shared, int depth) =>
            !AwaitedValues.IsSleep(awaited, _symbols.Tasks) && !Locks.EntersLock(AwaitedValues.WaitedFor(awaited), _symbols.Synchronisation) &&
            (_signals.Acquired(awaited).Any() || MayBeTheWorks(AwaitedValues.WaitedFor(awaited), handle, shared, depth));

        /// <summary>
        /// The task <paramref name="task"/> stands for may complete only after the work: it mentions the work's handle;
        /// it is a value the code does not trace (a parameter, a field or property of the project, a local with more than one
        /// value); it comes from the project's own code, which may wait for anything (read <see cref="SourceCallees.MaxDepth"/>
        /// calls deep), or from a library call handed a task that may be the work's, a delegate whose code may wait for it, or
        /// an object the work uses too (<paramref name="shared"/>). A library call on none of these, or a task that library
        /// code makes of such a call, completes without the work.
        /// </summary>
        private bool MayBeTheWorks(IOperation task, ISymbol? handle, WorkTrace? shared, int depth)
        {
            if (shared == null || depth > SourceCallees.MaxDepth)
            {
                return true;
            }

            task = SpawnClassifier.Unwrap(task);
            if ((handle != null && task.DescendantsAndSelf().Any(operation => IsUseOf(operation, handle))) || task.Syntax == shared.Site)
            {
                return true;
            }

            switch (task)
            {
                case IInvocationOperation call:
                    return CallMayWait(call, handle, shared, depth);
                case IPropertyReferenceOperation { Property: { Name: "Task" } completion } when
                    KnownSymbols.Is(completion.ContainingType, _symbols.Synchronisation.TaskCompletionSource) ||
                    KnownSymbols.Is(completion.ContainingType, _symbols.Synchronisation.TaskCompletionSourceOfT):
                    // Whoever holds the completion source completes it: the work may, wherever it was handed.
                    return true;
                case IPropertyReferenceOperation property when KnownSymbols.IsLibrary(property.Property):
                    // A library's task property (a dataflow block's Completion) of an object the work may complete.
                    return Mentions(task, shared.Members) || (property.Instance != null && _symbols.Tasks.IsTaskLike(property.Instance.Type) && MayBeTheWorks(property.Instance, handle, shared, depth));
                case ILocalReferenceOperation local when task.SemanticModel != null && LocalValues.OnlyValue(local.Local, local) is { } value:
                    return MayBeTheWorks(value, handle, shared, depth);
                case IAwaitOperation inner:
                    return AwaitMayWait(inner, handle, shared, depth);
                default:
                    return true;
            }
        }

        /// <summary>The task a call returns may be the work's (see <see cref="MayBeTheWorks"/>).</summary>
        private bool CallMayWait(IInvocationOperation call, ISymbol? handle, WorkTrace shared, int depth)
        {
            var method = call.TargetMethod;
            if (call.Syntax == shared.Site || SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, shared.Method))
            {
                return true;
            }

            if (!KnownSymbols.IsLibrary(method))
            {
                // The project's own code: what it does decides, where it can be read.
                return method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType.TypeKind == TypeKind.Interface ||
                       !(SourceCallees.BodyOf(method, call, anyFile: true) is { } body) || BodyMayWait(method, body, handle, shared, depth + 1);
            }

            if (method.MethodKind == MethodKind.DelegateInvoke || (call.Instance?.Type is { } receiver && !KnownSymbols.IsLibrary(receiver)) || Mentions(call, shared.Members))
            {
                // A delegate runs whatever it was given; a library method called on a type of the project may run the
                // project's override; an object the work uses may be what hands its results over.
                return true;
            }

            var handedOn = call.Arguments.Select(argument => argument.Value);
            if (call.Instance != null)
            {
                handedOn = handedOn.Prepend(call.Instance);
            }

            foreach (var value in handedOn.Select(SpawnClassifier.Unwrap))
            {
                switch (value)
                {
                    case IDelegateCreationOperation { Target: IAnonymousFunctionOperation function } when BodyMayWait(null, function.Body, handle, shared, depth + 1):
                    case IAnonymousFunctionOperation lambda when BodyMayWait(null, lambda.Body, handle, shared, depth + 1):
                        return true;
                    case IDelegateCreationOperation { Target: IMethodReferenceOperation group } when !KnownSymbols.IsLibrary(group.Method):
                    case IMethodReferenceOperation reference when !KnownSymbols.IsLibrary(reference.Method):
                        return true;
                    case IInvocationOperation { TargetMethod: { Name: "GetAwaiter" }, Instance: { } awaitable } when MayBeTheWorks(awaitable, handle, shared, depth):
                        return true;
                    case IAnonymousFunctionOperation _:
                    case IDelegateCreationOperation _:
                    case IMethodReferenceOperation _:
                        continue;
                }

                if (value.Type is INamedTypeSymbol { TypeKind: TypeKind.Delegate })
                {
                    // A delegate kept somewhere (Task.Run(_work)) may run code that waits.
                    return true;
                }

                var tasks = value.SemanticModel != null && HoldsTasks(value.Type) ? _signals.TasksIn(value).ToList() : null;
                if (tasks != null && !(tasks.Count == 1 && tasks[0] == value))
                {
                    // Task.WhenAll(a, b), Task.WhenAll(new[] { a, b }), a local list the method fills: each task.
                    if (tasks.Any(element => MayBeTheWorks(element, handle, shared, depth)))
                    {
                        return true;
                    }
                }
                else if (_symbols.Tasks.IsTaskLike(value.Type) || TaskSymbols.IsConfiguredAwaitable(value.Type))
                {
                    if (MayBeTheWorks(value, handle, shared, depth))
                    {
                        return true;
                    }
                }
                else if (HoldsTasks(value.Type))
                {
                    // A collection of tasks (Task.WhenAll(tasks)) holds whatever was added to it.
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The code of a method the wait runs, or of a delegate handed to a library call, may wait for the work: an
        /// <c>async</c> method's whole body (awaiting the call waits until it returns), a non-<c>async</c> one's waits and the
        /// tasks it returns.
        /// </summary>
        private bool BodyMayWait(IMethodSymbol? method, IOperation body, ISymbol? handle, WorkTrace shared, int depth)
        {
            if (depth > SourceCallees.MaxDepth)
            {
                return true;
            }

            var function = Functions.EnclosingFunction(body);
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (Functions.EnclosingFunction(operation) != function)
                {
                    continue;
                }

                if (MayWait(operation, handle, shared, depth) ||
                    (operation is IReturnOperation { ReturnedValue: { } returned } && method is { IsAsync: false } && _symbols.Tasks.IsTaskLike(returned.Type) &&
                     MayBeTheWorks(returned, handle, shared, depth)) ||
                    (operation is IInvocationOperation call && !KnownSymbols.IsLibrary(call.TargetMethod) && !(SpawnClassifier.Wrapped(call).Parent is IAwaitOperation) &&
                     CallMayWait(call, handle, shared, depth)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A blocking wait on a task (<c>task.Result</c>, <c>task.Wait(…)</c>, <c>task.GetAwaiter().GetResult()</c>,
        /// <c>Task.WaitAll</c>/<c>WaitAny</c>) waits for the work as an await of the same task would; null for anything else.
        /// </summary>
        private bool? BlockingWaitMayWait(IOperation operation, ISymbol? handle, WorkTrace? shared, int depth)
        {
            switch (operation)
            {
                case IPropertyReferenceOperation { Property: { Name: "Result" } result, Instance: { } task } when _symbols.Tasks.IsTask(result.ContainingType):
                    return MayBeTheWorks(task, handle, shared, depth);
                case IInvocationOperation { TargetMethod: { Name: "Wait", IsStatic: false } wait, Instance: { } task } when _symbols.Tasks.IsTask(wait.ContainingType):
                    return MayBeTheWorks(task, handle, shared, depth);
                case IInvocationOperation { TargetMethod: { Name: "WaitAll" or "WaitAny", IsStatic: true } waitAll } call when _symbols.Tasks.IsTask(waitAll.ContainingType):
                    return shared == null || CallMayWait(call, handle, shared, depth);
                case IInvocationOperation { TargetMethod: { Name: "GetResult" }, Instance: IInvocationOperation { TargetMethod: { Name: "GetAwaiter" }, Instance: { } task } }
                    when _symbols.Tasks.IsTaskLike(task.Type) || TaskSymbols.IsConfiguredAwaitable(task.Type):
                    return MayBeTheWorks(task, handle, shared, depth);
                default:
                    return null;
            }
        }

        /// <summary>A collection of tasks: an array, span, list or other enumerable whose elements are tasks.</summary>
        private bool HoldsTasks(ITypeSymbol? type) =>
            type is IArrayTypeSymbol array ? _symbols.Tasks.IsTaskLike(array.ElementType) :
            type is INamedTypeSymbol named && named.AllInterfaces.Prepend(named).Any(candidate =>
                candidate is { Name: "IEnumerable" or "Span" or "ReadOnlySpan", Arity: 1 } && _symbols.Tasks.IsTaskLike(candidate.TypeArguments[0]));

        /// <summary>
        /// <paramref name="operation"/> names a field, property or event that the work's code also names, directly or
        /// through a local given one value (<c>var reader = _pipe.Reader; await reader.ReadAsync();</c>).
        /// </summary>
        private static bool Mentions(IOperation operation, HashSet<ISymbol> shared, int aliases = 0) =>
            operation.DescendantsAndSelf().Any(inner =>
                (Places.MemberOf(inner) is { } member && shared.Contains(member.OriginalDefinition)) ||
                (aliases < 2 && inner is ILocalReferenceOperation local && inner.SemanticModel != null &&
                 LocalValues.OnlyValue(local.Local, local) is { } value && Mentions(value, shared, aliases + 1)));


    }
}
