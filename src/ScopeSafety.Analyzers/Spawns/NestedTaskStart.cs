using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// A start whose handle is not the work (SCOPE024): <c>StartNew</c>, <c>ContinueWith</c> or <c>new Task&lt;Task&gt;</c>
    /// of an async delegate or of one returning a task gives a <c>Task&lt;Task&gt;</c> that completes when the delegate
    /// returns its inner task, at the work's first await; <c>new Task(async …)</c> runs the lambda as async void. The one
    /// place that decides whether such a start's outer task is then used as if it were the work (waited, awaited,
    /// checked, converted to Task): SCOPE024 reports exactly those starts, and the race and lifetime model takes their
    /// waits as the joins they become once the start is unwrapped, so the missing unwrap is reported once, by its cause.
    /// </summary>
    internal sealed class NestedTaskStart
    {
        private NestedTaskStart(SpawnSite site, IOperation use, string useName, bool canUnwrap)
        {
            Site = site;
            Use = use;
            UseName = useName;
            CanUnwrap = canUnwrap;
        }

        public SpawnSite Site { get; }

        /// <summary>The first use of the outer task as the work (in source order; a wait before a mere conversion).</summary>
        public IOperation Use { get; }

        /// <summary>How the message names the use: "Task.WaitAll", ".Wait()", "await", "IsFaulted", "the conversion to Task".</summary>
        public string UseName { get; }

        /// <summary>
        /// Appending .Unwrap() to the start keeps the program compiling and makes every use wait for the work: the start
        /// is a call (not new Task) and every use of its handle was followed and is a use as the work.
        /// </summary>
        public bool CanUnwrap { get; }

        /// <summary>
        /// The start's handle completes before the work does: a Task&lt;Task&gt; from StartNew, ContinueWith or
        /// new Task&lt;Task&gt; (async delegate, or one returning a task), or new Task of an async void delegate.
        /// </summary>
        public static bool WrapsWork(SpawnSite site, KnownSymbols symbols)
        {
            if (site.Handle != HandleKind.Task ||
                !(site.Api == "Task.Factory.StartNew" || site.Api == "TaskFactory.StartNew" || site.Api == "Task.ContinueWith" || site.Api == "new Task"))
            {
                return false;
            }

            if (site.Operation.Type is INamedTypeSymbol { IsGenericType: true } handle && KnownSymbols.Is(handle, symbols.Tasks.TaskOfT))
            {
                return symbols.Tasks.IsTask(handle.TypeArguments[0]) && !ReturnsCompletedTasks(site, symbols);
            }

            // new Task(async () => …) binds to Task(Action): the lambda is async void.
            return site.Api == "new Task" && IsAsync(site.Delegate);
        }

        /// <summary>
        /// The nested-task start SCOPE024 reports, or null: the site wraps its work and, followed through locals, arrays
        /// and collections inside <paramref name="scope"/> (the function holding the start), its outer task is used as
        /// the work and never used deliberately as a Task&lt;Task&gt; (its inner task taken by Result or a kept await).
        /// </summary>
        public static NestedTaskStart? Find(SpawnSite site, IOperation scope, KnownSymbols symbols)
        {
            if (!WrapsWork(site, symbols))
            {
                return null;
            }

            var flow = new UseFinder(scope, symbols);
            flow.Find(site.Operation);
            if (flow.Deliberate || flow.Uses.Count == 0)
            {
                return null;
            }

            (IOperation Operation, string Name)? first = null;
            foreach (var use in flow.Uses)
            {
                var isWait = use.Name != Conversion;
                var firstIsWait = first.HasValue && first.Value.Name != Conversion;
                if (first == null || (isWait && !firstIsWait) ||
                    (isWait == firstIsWait && use.Operation.Syntax.SpanStart < first.Value.Operation.Syntax.SpanStart))
                {
                    first = use;
                }
            }

            var canUnwrap = site.Operation is IInvocationOperation && !flow.Unknown;
            return new NestedTaskStart(site, first!.Value.Operation, first.Value.Name, canUnwrap);
        }

        /// <summary>"an async lambda", "async method 'Load'", "a lambda returning a task", "method 'Load', which returns a task".</summary>
        public static string DescribeDelegate(IOperation value)
        {
            switch (value)
            {
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                    return lambda.Symbol.IsAsync ? "an async lambda" : "a lambda returning a task";
                case IDelegateCreationOperation { Target: IMethodReferenceOperation reference }:
                    return reference.Method.IsAsync ? "async method '" + reference.Method.Name + "'" : "method '" + reference.Method.Name + "', which returns a task";
                default:
                    return "a delegate returning a task";
            }
        }

        /// <summary>
        /// The delegate is synchronous code that returns a task already complete on every path (<c>return
        /// Task.CompletedTask;</c>, <c>Task.FromResult(…)</c>, as a method that implements a task-returning signature
        /// without awaiting does, or a lambda that returns what such a method returns): its inner task holds no work, so
        /// the outer task ends with the work.
        /// </summary>
        private static bool ReturnsCompletedTasks(SpawnSite site, KnownSymbols symbols) => site.Delegate switch
        {
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol: { IsAsync: false } } lambda } => AllReturnsComplete(lambda.Body, symbols, 0),
            IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: var method } } => IsCompletedBy(method, site.Operation, symbols, 0),
            _ => false,
        };

        private static bool AllReturnsComplete(IOperation body, KnownSymbols symbols, int depth)
        {
            var returns = 0;
            foreach (var operation in body.Descendants())
            {
                if (operation is IReturnOperation returned && !Flow.Functions.IsInNestedFunction(operation, body))
                {
                    if (!(returned.ReturnedValue is { } value && IsCompletedTask(value, symbols, depth)))
                    {
                        return false;
                    }

                    returns++;
                }
            }

            return returns > 0;
        }

        /// <summary>Task.CompletedTask, Task.FromResult, FromException or FromCanceled, or a call of a synchronous method of ours that returns only those.</summary>
        private static bool IsCompletedTask(IOperation value, KnownSymbols symbols, int depth)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            return value switch
            {
                IPropertyReferenceOperation { Property: { IsStatic: true, Name: "CompletedTask" } property } => KnownSymbols.Is(property.ContainingType, symbols.Tasks.Task),
                IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromResult" or "FromException" or "FromCanceled" } method } when KnownSymbols.Is(method.ContainingType, symbols.Tasks.Task) => true,
                IInvocationOperation call => IsCompletedBy(call.TargetMethod, call, symbols, depth + 1),
                _ => false,
            };
        }

        // Two calls deep at most: the helper that a lambda calls, and one it returns the task of.
        private static bool IsCompletedBy(IMethodSymbol method, IOperation caller, KnownSymbols symbols, int depth) =>
            depth <= 2 && !method.IsAsync && method.MethodKind == MethodKind.Ordinary && !method.IsVirtual && !method.IsAbstract && !method.IsOverride &&
            Concurrency.SourceCallees.BodyOf(method, caller, anyFile: true) is { } body && AllReturnsComplete(body, symbols, depth);

        private static bool IsAsync(IOperation value) =>
            value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol: { IsAsync: true } } } ||
            value is IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: { IsAsync: true } } };

        private const string Conversion = "the conversion to Task";

        /// <summary>Follows the outer task from the start through the function's locals and collects what uses it.</summary>
        private sealed class UseFinder : HandleWalker
        {
            private readonly KnownSymbols _symbols;

            public UseFinder(IOperation scope, KnownSymbols symbols)
                : base(scope)
            {
                _symbols = symbols;
            }

            public List<(IOperation Operation, string Name)> Uses { get; } = new List<(IOperation, string)>();

            /// <summary>The inner task is taken out (Result, an await whose value is kept): the code handles the nesting.</summary>
            public bool Deliberate { get; private set; }

            /// <summary>The handle went where we lose sight of it (a field, a call of ours, a lambda, ContinueWith).</summary>
            public bool Unknown { get; private set; }

            public void Find(IOperation start) => Walk(start);

            protected override void OnConversion(IConversionOperation conversion)
            {
                if (KnownSymbols.Is(conversion.Type, _symbols.Tasks.Task) && !KnownSymbols.Is(conversion.Operand.Type, _symbols.Tasks.Task))
                {
                    // Task<Task> → Task: from here on nothing can tell the outer task from the work.
                    Uses.Add((conversion, Conversion));
                }
            }

            protected override void OnCapturedBy(IOperation function, IOperation value) => Unknown = true;

            protected override void OnLost() => Unknown = true;

            protected override void OnOtherUse(IOperation parent, IOperation child) => Unknown = true;

            protected override void OnAwaited(IAwaitOperation await) => OnAwaitedValue(await);

            /// <summary>A holder typed Task&lt;Task&gt; by hand would not take the unwrapped task.</summary>
            protected override void OnStored(ITypeSymbol? slotType, bool typedByHand)
            {
                if (typedByHand && !KnownSymbols.Is(slotType, _symbols.Tasks.Task))
                {
                    Unknown = true;
                }
            }

            /// <summary>await outer (or outer.GetAwaiter().GetResult()) yields the inner task: only its awaiting is the work.</summary>
            private void OnAwaitedValue(IOperation awaited)
            {
                var use = awaited.Parent;
                while (use is IConversionOperation || use is IParenthesizedOperation)
                {
                    use = use.Parent;
                }

                if (awaited.Type == null || awaited.Type.SpecialType == SpecialType.System_Void || use is IExpressionStatementOperation)
                {
                    Uses.Add((awaited, "await"));
                }
                else if (!(use is IAwaitOperation))
                {
                    // var inner = await outer; …: the code takes the inner task and may well wait for it.
                    Deliberate = true;
                }
            }

            protected override void OnProperty(IPropertyReferenceOperation property)
            {
                if (!_symbols.Tasks.IsTask(property.Property.ContainingType))
                {
                    Unknown = true;
                    return;
                }

                switch (property.Property.Name)
                {
                    case "IsFaulted":
                    case "IsCompleted":
                    case "IsCompletedSuccessfully":
                    case "IsCanceled":
                    case "Status":
                    case "Exception":
                        Uses.Add((property, property.Property.Name));
                        return;
                    case "Result":
                        Deliberate = true;
                        return;
                }
            }

            protected override void OnInstanceCall(IInvocationOperation invocation)
            {
                switch (invocation.TargetMethod.Name)
                {
                    case "Wait":
                        Uses.Add((invocation, ".Wait()"));
                        return;
                    case "GetAwaiter" when invocation.Parent is IInvocationOperation { TargetMethod: { Name: "GetResult" } } getResult:
                        OnAwaitedValue(getResult);
                        return;
                    case "Add" when invocation.Instance is ILocalReferenceOperation:
                        return;
                    case "ToArray":
                    case "ToList":
                        Follow(invocation);
                        return;
                    case "Start":
                    case "RunSynchronously":
                        return;
                    default:
                        Unknown = true;
                        return;
                }
            }

            protected override void OnArgument(IInvocationOperation invocation)
            {
                var method = invocation.TargetMethod;
                if (KnownSymbols.Is(method.ContainingType, _symbols.Tasks.Task) && method.IsStatic &&
                    (method.Name == "WaitAll" || method.Name == "WhenAll" || method.Name == "WaitAny" || method.Name == "WhenAny"))
                {
                    Uses.Add((invocation, "Task." + method.Name));
                    return;
                }

                if (method.Name == "Add" && invocation.Instance is ILocalReferenceOperation list && !method.IsStatic)
                {
                    // tasks.Add(outer): the list now holds it.
                    OnStored(method.Parameters.Length == 1 ? method.Parameters[0].Type : null, typedByHand: true);
                    Hold(list.Local);
                    return;
                }

                if ((method.Name == "ToArray" || method.Name == "ToList") && method.IsExtensionMethod)
                {
                    Follow(invocation);
                    return;
                }

                if (method.Name == "Unwrap" && method.IsStatic && (method.ReducedFrom ?? method).ContainingType is { Name: "TaskExtensions" })
                {
                    // Unwrapped where it is used: that use sees the work.
                    return;
                }

                Unknown = true;
            }
        }
    }
}
