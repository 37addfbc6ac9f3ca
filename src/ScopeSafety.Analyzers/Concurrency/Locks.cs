using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Orderings inside the code: an access under a lock (and on which object), and an access through Interlocked or
    /// Volatile. Two accesses are ordered when both are atomic, or both hold a lock on the same object. A lock whose
    /// object is not a plain variable, field (or a property standing for one), 'this' or typeof counts as common to all
    /// (we cannot tell, so we trust it),
    /// except a lock on an object created right there (<c>lock (new object())</c>), which no other lock can share.
    /// </summary>
    internal static class Locks
    {
        private static readonly object Unknown = new object();
        /// <summary>An object each run of the code creates for itself: a lock on it excludes nothing.</summary>
        internal static readonly object Fresh = new object();

        /// <summary>
        /// The lock objects held at <paramref name="operation"/>: lock statements, and pairs of enter and exit calls — the
        /// operation sits in a try block whose finally exits, entered just before the try or at the top of its block (the
        /// expansion of <c>lock</c> written by hand), or follows an enter in the same block with no exit in between. Pairs: Monitor.Enter/Exit, ReaderWriterLockSlim's write, read and
        /// upgradeable locks, ReaderWriterLock's writer and reader locks, Wait/WaitAsync/Release of a SemaphoreSlim
        /// created with one slot, WaitOne/ReleaseMutex of a Mutex (WaitOne/Release of a one-slot Semaphore), and a SpinLock's Enter(ref taken)/Exit. A read lock excludes only writers (<see cref="ReadLock"/>). A try-enter
        /// (Monitor.TryEnter, TryEnterWriteLock, a timed Wait or WaitOne) may fail: it holds the lock only where the code
        /// knows it succeeded, in the branch its result (or the flag it set) makes true, or below an <c>if</c> that leaves
        /// when it did not (<see cref="TakenIf"/>). A flag taken atomically is a try-lock too (<see cref="FlagTaken"/>), and
        /// the unlocked first test of a double-checked lock reads as under the lock that tests it again (<see cref="DoubleChecked"/>).
        /// </summary>
        public static List<object> LocksHeld(IOperation operation, SynchronisationSymbols? sync) => LocksHeld(operation, sync, SourceCallees.MaxDepth, CallerLevels);

        // How many callers up a method's callers are read for the locks they all hold (EveryCallerHolds). Four would see
        // NLog's FileTarget.WriteBytesToFile under the lock WriteAsyncThreadSafe takes four calls up, but cost the rules a
        // good part more on that library (docs/precision.md, twenty-second batch).
        private const int CallerLevels = 2;

        private static List<object> LocksHeld(IOperation operation, SynchronisationSymbols? sync, int depth, int callerLevels = 0, bool flags = true)
        {
            var result = LocksHeldOrGivenUp(operation, sync, depth, callerLevels, flags, out var givenUp);
            if (givenUp != null)
            {
                // using (Section.Enter(_gate)) { … using (Section.Exit(_gate)) { x++; } }: the lock the outer block takes is
                // given up inside the inner one. Locks found inside the inner block (before it in the list) stay.
                foreach (var (key, from) in givenUp)
                {
                    for (var i = result.Count - 1; i >= from; i--)
                    {
                        if (SameKey(result[i], key))
                        {
                            result.RemoveAt(i);
                        }
                    }
                }
            }

            return result;
        }

        private static List<object> LocksHeldOrGivenUp(IOperation operation, SynchronisationSymbols? sync, int depth, int callerLevels, bool flags, out List<(object Key, int From)>? givenUp)
        {
            givenUp = null;
            var result = new List<object>();
            if (DoubleChecked(operation, sync) is { } checkedAgainUnder)
            {
                result.Add(checkedAgainUnder);
            }

            var child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is ILockOperation lockOperation && lockOperation.Body == child)
                {
                    result.Add(KeyOf(lockOperation.LockedValue));
                }

                if (parent is IUsingOperation usingOperation && usingOperation.Body == child && ScopedLockOf(usingOperation.Resources) is { } scoped)
                {
                    result.Add(scoped);
                }

                if (parent is IUsingOperation leaving && leaving.Body == child && LockTokenOf(leaving.Resources, entering: false) is { } left)
                {
                    (givenUp ??= new List<(object, int)>()).Add((left, result.Count));
                }

                if (parent is IBlockOperation usingBlock)
                {
                    AddUsingDeclarationLocks(usingBlock, child, result);
                }

                if (sync != null && parent is ITryOperation { Finally: { } finallyBlock } tryOperation && tryOperation.Body == child)
                {
                    AddMonitorLocks(tryOperation, finallyBlock, child, sync, result);
                }

                if (sync != null && parent is IBlockOperation block)
                {
                    AddStraightLineLocks(block, child, sync, result);
                    AddLocksTakenAbove(block, child, sync, result);
                }

                if (sync != null && parent is IConditionalOperation conditional && conditional.WhenTrue == child)
                {
                    // if (Monitor.TryEnter(o, 100)) { … } and if (taken) { … } after Monitor.TryEnter(o, 100, ref taken).
                    result.AddRange(TakenIf(conditional.Condition, conditional, sync));
                }

                if (flags && sync != null && parent is IConditionalOperation flagged && (flagged.WhenTrue == child || flagged.WhenFalse == child))
                {
                    AddAbsent(result, HeldByCallersFlag(operation, flagged, child, sync));
                }

                if (parent is ILocalFunctionOperation localFunction)
                {
                    if (callerLevels > 0 && sync != null && (!localFunction.Symbol.IsAsync || AsyncRuns.Before(child, operation)))
                    {
                        AddAbsent(result, EveryLocalCallHolds(localFunction, sync, callerLevels));
                    }

                    return result;
                }

                if (parent is IAnonymousFunctionOperation lambda)
                {
                    // RunExclusive(() => val = 2) with RunExclusive(a) { lock (Gate) a(); }: the lambda runs where the
                    // callee invokes it, under the locks it holds there, and inside the call.
                    if (depth == 0 || !AddCalleeLocks(lambda, sync, depth - 1, result))
                    {
                        return result;
                    }
                }
            }

            // The callers' locks hold for what the function does before its first await. The rest runs after the call has
            // handed back its task, still under them only where every caller awaits that task where it makes the call
            // (await GetConnectionAsync() inside its WaitAsync/Release): the caller waits there, holding the lock.
            if (callerLevels > 0 && sync != null)
            {
                var afterFirstAwait = IsAsyncMethodBody(child) && !AsyncRuns.Before(child, operation);
                AddAbsent(result, EveryCallerHolds(child, sync, callerLevels, awaitedOnly: afterFirstAwait));
            }

            return result;
        }

        /// <summary>
        /// The locks a caller vouches for with a flag: in <c>if (lockHeld) Record(x); else { await _gate.WaitAsync(); try {
        /// Record(x); } finally { _gate.Release(); } }</c>, on a bool parameter of the method, the branch that makes the call
        /// without the lock when the flag is true is the one the caller picks when it holds the lock already. So a call in
        /// that branch holds what every call of the same method in the other branch holds there and not at the <c>if</c>.
        /// </summary>
        private static List<object> HeldByCallersFlag(IOperation operation, IConditionalOperation branch, IOperation taken, SynchronisationSymbols sync)
        {
            var condition = branch.Condition;
            var whenTrue = taken == branch.WhenTrue;
            while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                condition = not.Operand;
                whenTrue = !whenTrue;
            }

            // The flag says the lock is held when true (lockHeld, alreadyLocked); one that says to take it when true
            // (useLock: if (useLock) { lock (g) Run(); } else Run();) vouches for nothing.
            if (!whenTrue || !(condition is IParameterReferenceOperation { Parameter.Type.SpecialType: SpecialType.System_Boolean }) || branch.WhenFalse is null)
            {
                return NoLocks;
            }

            // The outermost call of this branch that the operation is in (or is).
            IInvocationOperation? call = null;
            for (var current = operation; current != null && current != taken.Parent; current = current.Parent)
            {
                if (current is IInvocationOperation invocation)
                {
                    call = invocation;
                }
            }

            if (call == null)
            {
                return NoLocks;
            }

            var other = taken == branch.WhenTrue ? branch.WhenFalse : branch.WhenTrue;
            var atBranch = LocksHeld(branch, sync, depth: 0, flags: false);
            List<object>? common = null;
            foreach (var twin in other!.DescendantsAndSelf().OfType<IInvocationOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(twin.TargetMethod.OriginalDefinition, call.TargetMethod.OriginalDefinition))
                {
                    continue;
                }

                var held = LocksHeld(twin, sync, depth: 0, flags: false).Where(key => !atBranch.Exists(outer => SameKey(outer, key))).ToList();
                common = common == null ? held : common.Where(key => held.Exists(h => SameKey(h, key))).ToList();
            }

            return common ?? NoLocks;
        }

        private static void AddAbsent(List<object> result, IEnumerable<object> keys)
        {
            foreach (var key in keys)
            {
                if (!result.Exists(held => SameKey(held, key)))
                {
                    result.Add(key);
                }
            }
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ILocalFunctionOperation, List<object>?[]> LocalCallerLocks =
            new System.Runtime.CompilerServices.ConditionalWeakTable<ILocalFunctionOperation, List<object>?[]>();

        /// <summary>
        /// The locks every call of a local function holds: <c>lock (_gate) { … Emit(); }</c> with <c>void Emit() { _batch =
        /// null; }</c> declared beside it runs its body under the lock. Its own recursive calls hold what its callers hold;
        /// a local function turned into a delegate may run anywhere, under no lock.
        /// </summary>
        private static List<object> EveryLocalCallHolds(ILocalFunctionOperation function, SynchronisationSymbols sync, int levels)
        {
            var cached = LocalCallerLocks.GetValue(function, _ => new List<object>?[CallerLevels + 1]);
            return cached[levels] ??= LocalCallsHold(function, sync, levels);
        }

        private static List<object> LocalCallsHold(ILocalFunctionOperation function, SynchronisationSymbols sync, int levels)
        {
            var root = (IOperation)function;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            List<object>? common = null;
            foreach (var operation in root.Descendants())
            {
                if (operation is IMethodReferenceOperation reference && IsMethod(reference.Method, function.Symbol))
                {
                    return NoLocks;
                }

                if (!(operation is IInvocationOperation call && IsMethod(call.TargetMethod, function.Symbol)) || WorkItems.Holds(function.Syntax, call.Syntax))
                {
                    continue;
                }

                var held = LocksHeld(call, sync, SourceCallees.MaxDepth, levels - 1);
                common = common == null ? held : common.FindAll(key => held.Exists(other => SameKey(other, key)));
                if (common.Count == 0)
                {
                    return NoLocks;
                }
            }

            return common ?? NoLocks;
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, List<object>?[]> CallerLocks =
            new System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, List<object>?[]>();

        private static readonly List<object> NoLocks = new List<object>();

        // The body of an async method (or the method itself, as its body operation's syntax).
        private static bool IsAsyncMethodBody(IOperation body) =>
            (body.Syntax as MethodDeclarationSyntax ?? body.Syntax.Parent as MethodDeclarationSyntax) is { } method &&
            method.Modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword);

        /// <summary>
        /// The locks on the object's members (or its type) that every call of the method whose body is
        /// <paramref name="root"/> holds, read <paramref name="levels"/> callers up: the "caller must lock" helper. Only
        /// where the code sees every use of the method, and each is a call on this object (or of a static): a method group,
        /// or a call on another object, may run it under no lock of this one. A private method's uses are in its type,
        /// declared in this file alone. A template method's are the calls in the compilation of any method of its chain of
        /// overrides (<see cref="TemplateChain"/>): the base class calls the virtual method under its lock (<c>lock
        /// (SyncRoot) { Write(e); }</c>), and a derived class's override runs there.
        /// </summary>
        private static List<object> EveryCallerHolds(IOperation root, SynchronisationSymbols sync, int levels, bool awaitedOnly)
        {
            var model = root.SemanticModel;
            var declared = model == null ? null : model.GetDeclaredSymbol(root.Syntax) ?? (root.Syntax.Parent is { } declaration ? model.GetDeclaredSymbol(declaration) : null);
            if (model == null || !(declared is IMethodSymbol { MethodKind: MethodKind.Ordinary } method))
            {
                return NoLocks;
            }

            if (method.DeclaredAccessibility == Accessibility.Private)
            {
                if (method.ContainingType.DeclaringSyntaxReferences.Any(reference => reference.SyntaxTree != model.SyntaxTree) ||
                    !TakesLocks(method.ContainingType))
                {
                    return NoLocks;
                }

                var cached = CallerLocks.GetValue(method.OriginalDefinition, _ => new List<object>?[2 * (CallerLevels + 1)]);
                return cached[CacheSlot(levels, awaitedOnly)] ??= CallersHold(method, model, sync, levels, awaitedOnly);
            }

            if (TemplateChain(method, model.Compilation) is { } chain && chain.Exists(link => TakesLocks(link.ContainingType)))
            {
                var cached = CallerLocks.GetValue(method.OriginalDefinition, _ => new List<object>?[2 * (CallerLevels + 1)]);
                return cached[CacheSlot(levels, awaitedOnly)] ??= TemplateCallersHold(method, chain, model.Compilation, sync, levels, awaitedOnly);
            }

            return NoLocks;
        }

        // Where CallerLocks keeps what the callers hold, read levels up, for any call or for awaited calls only.
        private static int CacheSlot(int levels, bool awaitedOnly) => levels + (awaitedOnly ? CallerLevels + 1 : 0);

        /// <summary>
        /// A protected virtual method or override and the methods it overrides, up to the virtual one that starts the
        /// chain, when only the compilation's code can call them: each is protected (or private protected) and declared in
        /// its source. Null for any other method. (A derived class outside the assembly could call a protected method
        /// too; a template method is written to be called by its base class, and its callers here are all the rules can
        /// read.)
        /// </summary>
        private static List<IMethodSymbol>? TemplateChain(IMethodSymbol method, Compilation compilation)
        {
            if (!method.IsVirtual && !method.IsOverride && !method.IsAbstract)
            {
                return null;
            }

            var chain = new List<IMethodSymbol>();
            for (var link = method; link != null; link = link.OverriddenMethod)
            {
                if (!(link.DeclaredAccessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal) ||
                    !SymbolEqualityComparer.Default.Equals(link.ContainingAssembly, compilation.Assembly) ||
                    link.DeclaringSyntaxReferences.Length == 0)
                {
                    return null;
                }

                chain.Add(link.OriginalDefinition);
            }

            return chain;
        }

        private static List<object> CallersHold(IMethodSymbol method, SemanticModel model, SynchronisationSymbols sync, int levels, bool awaitedOnly)
        {
            // A private method is named only inside its type (nested types included).
            var spans = method.ContainingType.DeclaringSyntaxReferences.Select(reference => reference.Span).ToList();
            var mentions = Flow.CallIndex.Mentions(model.SyntaxTree, method.Name)
                .Where(mention => spans.Exists(span => span.Contains(mention.Span)))
                .Select(mention => (model, mention));
            return HeldAtEveryCall(mentions, (symbol, _) => IsMethod(symbol, method), method.IsStatic, sync, levels, awaitedOnly);
        }

        private static List<object> TemplateCallersHold(IMethodSymbol method, List<IMethodSymbol> chain, Compilation compilation, SynchronisationSymbols sync, int levels, bool awaitedOnly)
        {
            // A call on this runs the override only from the override's type, a type it derives from, or one derived from
            // it (a protected method cannot be named outside the chain's types; a sibling's own Write runs on a sibling):
            // the mentions elsewhere need no binding.
            var own = method.ContainingType;
            var mentions = compilation.SyntaxTrees.SelectMany(tree =>
                Flow.CallIndex.Mentions(tree, method.Name)
                    .Select(mention => (Model: SourceCallees.ModelOf(compilation, tree), Mention: mention))
                    .Where(found => InLineOf(found.Mention, own, found.Model)));
            return HeldAtEveryCall(mentions, (symbol, mention) => RunsMethod(symbol, mention, method, chain), method.IsStatic, sync, levels, awaitedOnly);
        }

        // Whether code at node is in a type (or nested in one) that own derives from, or that derives from own, or own.
        private static bool InLineOf(SyntaxNode node, INamedTypeSymbol own, SemanticModel model)
        {
            foreach (var declaration in node.Ancestors().OfType<TypeDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration) is INamedTypeSymbol type &&
                    (KnownSymbols.DerivesFrom(own, type.OriginalDefinition) || KnownSymbols.DerivesFrom(type, own.OriginalDefinition)))
                {
                    return true;
                }
            }

            return false;
        }

        // A call of a method of the chain may run the override, unless it is a base.M() call, which runs the one method it
        // names (a derived class's override that calls on to the base class's implementation does not run this one).
        private static bool RunsMethod(ISymbol? symbol, SimpleNameSyntax mention, IMethodSymbol method, List<IMethodSymbol> chain) =>
            mention.Parent is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } access && access.Name == mention
                ? IsMethod(symbol, method)
                : chain.Exists(link => IsMethod(symbol, link));

        /// <summary>
        /// The locks on members that every one of the mentions naming the method (<paramref name="isMethod"/>) holds, each
        /// a call on this object (plain, <c>this.</c> or <c>base.</c>) or of a static; none when one is anything else, or
        /// with <paramref name="awaitedOnly"/> when one is not awaited where it is made.
        /// </summary>
        private static List<object> HeldAtEveryCall(
            IEnumerable<(SemanticModel Model, SimpleNameSyntax Mention)> mentions, System.Func<ISymbol?, SimpleNameSyntax, bool> isMethod, bool isStatic, SynchronisationSymbols sync, int levels,
            bool awaitedOnly)
        {
            List<object>? common = null;
            foreach (var (model, mention) in mentions)
            {
                var info = model.GetSymbolInfo(mention);
                if (!isMethod(info.Symbol, mention))
                {
                    if (info.CandidateSymbols.Any(candidate => isMethod(candidate, mention)))
                    {
                        return NoLocks;
                    }

                    continue;
                }

                var invocation = Flow.CallIndex.CallOnThis(mention, isStatic);
                if (invocation == null || !(model.GetOperation(invocation) is IInvocationOperation call) ||
                    (awaitedOnly && Flow.AwaitedValues.AwaitOf(call) == null))
                {
                    return NoLocks;
                }

                var held = new List<object>();
                foreach (var key in LocksHeld(call, sync, SourceCallees.MaxDepth, levels - 1))
                {
                    if (IsMemberKey(key) && !held.Exists(other => SameKey(other, key)))
                    {
                        held.Add(key);
                    }
                }

                common = common == null ? held : common.FindAll(key => held.Exists(other => SameKey(other, key)));
                if (common.Count == 0)
                {
                    return NoLocks;
                }
            }

            return common ?? NoLocks;
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, System.Runtime.CompilerServices.StrongBox<bool>> LockingTypes =
            new System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, System.Runtime.CompilerServices.StrongBox<bool>>();

        // Whether the type's code takes any lock at all (a lock statement, or a call named as the enter calls are): where
        // it takes none, no caller holds one of its locks, and its calls need not be read.
        private static bool TakesLocks(INamedTypeSymbol type) =>
            LockingTypes.GetValue(type, t => new System.Runtime.CompilerServices.StrongBox<bool>(
                t.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes().Any(IsLockSyntax)))).Value;

        private static bool IsLockSyntax(SyntaxNode node) =>
            node is LockStatementSyntax ||
            node is InvocationExpressionSyntax invocation && Flow.CallIndex.NameOf(invocation.Expression) is
                "Enter" or "TryEnter" or "Wait" or "WaitAsync" or "WaitOne" or "EnterWriteLock" or "EnterReadLock" or "EnterUpgradeableReadLock" or
                "TryEnterWriteLock" or "TryEnterReadLock" or "TryEnterUpgradeableReadLock" or "AcquireWriterLock" or "AcquireReaderLock" or "EnterScope" or
                "Lock" or "LockAsync" or "AcquireLock" or "AcquireLockAsync" or "WriterLock" or "WriterLockAsync" or "ReaderLock" or "ReaderLockAsync" or
                "CompareExchange" or "Exchange" or "Increment";

        private static bool IsMethod(ISymbol? symbol, IMethodSymbol method) =>
            symbol is IMethodSymbol found && SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, method.OriginalDefinition);

        // A lock a callee shares with its caller: on a field (or auto-property) of the object or a static one, on the object
        // or a type.
        private static bool IsMemberKey(object key) => (key is ReadLock read ? read.Key : key) is IFieldSymbol or IPropertySymbol or ITypeSymbol;

        /// <summary>
        /// Adds the locks a method of the file holds at every invocation of <paramref name="lambda"/>, handed to it as
        /// an argument; false when the lambda is not handed to such a method, or it never invokes the lambda itself.
        /// </summary>
        private static bool AddCalleeLocks(IAnonymousFunctionOperation lambda, SynchronisationSymbols? sync, int depth, List<object> result)
        {
            if (!(SourceCallees.ArgumentOf(lambda) is { Parameter: { } parameter, Parent: IInvocationOperation call }) ||
                !(SourceCallees.BodyOf(call.TargetMethod, call) is { } body))
            {
                return false;
            }

            var invocations = SourceCallees.InvocationsOf(body, parameter.OriginalDefinition);
            if (invocations.Count == 0)
            {
                return false;
            }

            List<object>? common = null;
            foreach (var invocation in invocations)
            {
                var held = LocksHeld(invocation, sync, depth).ConvertAll(key => InCaller(key, call));
                common = common == null ? held : common.FindAll(key => held.Exists(other => SameKey(key, other)));
            }

            result.AddRange(common!);
            return true;
        }

        // A lock on the callee's parameter is a lock on what the caller passes.
        private static object InCaller(object key, IInvocationOperation call) =>
            Renamed(key, held => held is IParameterSymbol parameter && SourceCallees.ArgumentFor(call, parameter) is { } argument ? KeyOf(argument.Value) : held);

        /// <summary>
        /// A lock key named as another frame sees its object (a callee's field or parameter as its caller's place), held
        /// the same way: a reader-writer lock held for reading stays held for reading.
        /// </summary>
        public static object Renamed(object key, System.Func<object, object> rename) =>
            key is ReadLock read ? new ReadLock(rename(read.Key)) : rename(key);

        private static void AddMonitorLocks(ITryOperation tryOperation, IBlockOperation finallyBlock, IOperation body, SynchronisationSymbols sync, List<object> result)
        {
            foreach (var exit in finallyBlock.Descendants())
            {
                if (!(Pair(exit, sync, entering: false) is { } exitKey) || exitKey == Unknown)
                {
                    continue;
                }

                var entered = false;
                if (tryOperation.Parent is IBlockOperation outer)
                {
                    var at = outer.Operations.IndexOf(tryOperation);
                    entered = at > 0 && Entered(outer.Operations[at - 1], sync, exitKey);
                }

                if (!entered && body is IBlockOperation tryBlock && tryBlock.Operations.Length > 0)
                {
                    // bool taken = false; try { Monitor.Enter(o, ref taken); … } finally { if (taken) Monitor.Exit(o); }
                    entered = Entered(tryBlock.Operations[0], sync, exitKey);
                }

                if (entered)
                {
                    result.Add(exitKey);
                }
            }
        }

        /// <summary>
        /// Enter and exit written one after the other without try/finally (<c>rw.EnterWriteLock(); x = 1;
        /// rw.ExitWriteLock();</c>): a statement that an enter call precedes in the same block, with no exit of that lock
        /// in between or inside it, runs holding it. (An exception in between leaves the lock held: a hang, never a race.)
        /// </summary>
        private static void AddStraightLineLocks(IBlockOperation block, IOperation statement, SynchronisationSymbols sync, List<object> result)
        {
            var at = block.Operations.IndexOf(statement);
            for (var i = at - 1; i >= 0; i--)
            {
                if (!(EnterOf(block.Operations[i], sync) is { } entered) || entered == Unknown || result.Exists(key => SameKey(key, entered)))
                {
                    continue;
                }

                // An exit inside the statement that holds the access counts too (Monitor.Exit(o); x++; in an if, or on
                // an earlier round of a loop); the try/finally form, whose exit sits in that statement, is
                // AddMonitorLocks's.
                if (!ReleasedBetween(block, i, at, entered, sync, finallyOfLastRunsAfter: false))
                {
                    result.Add(entered);
                }
            }
        }

        // using var scope = _gate.EnterScope(); above the statement in its block: held to the block's end.
        private static void AddUsingDeclarationLocks(IBlockOperation block, IOperation statement, List<object> result)
        {
            var at = block.Operations.IndexOf(statement);
            for (var i = at - 1; i >= 0; i--)
            {
                if (block.Operations[i] is IUsingDeclarationOperation declaration && ScopedLockOf(declaration.DeclarationGroup) is { } key)
                {
                    result.Add(key);
                }
            }
        }

        /// <summary>
        /// The lock a <c>using</c> holds for its scope: <c>using (_gate.EnterScope())</c> on a <c>System.Threading.Lock</c>, and
        /// the disposable-lock idiom of async locks (<c>using (await _mutex.LockAsync())</c>, <c>using (_mutex.Lock())</c>,
        /// an async reader-writer lock's <c>WriterLockAsync</c>; its <c>ReaderLockAsync</c> is a read lock), keyed by the
        /// object whose method takes it. Null for any other resource.
        /// </summary>
        private static object? ScopedLockOf(IOperation resource)
        {
            if (resource is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        if (declarator.Initializer?.Value is { } value && ScopedLockOf(value) is { } key)
                        {
                            return key;
                        }
                    }
                }

                return null;
            }

            var taken = SpawnClassifier.Unwrap(resource);
            if (taken is IAwaitOperation awaited)
            {
                taken = Flow.AwaitedValues.WaitedFor(awaited);
            }

            if (!(taken is IInvocationOperation { TargetMethod: { } method } call))
            {
                return LockTokenOf(taken, entering: true);
            }

            // An extension method's receiver is its first argument (using (await _mutex.LockAsync()) on a SemaphoreSlim).
            var receiver = call.Instance ?? (method.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            var name = method.Name.EndsWith("Async", System.StringComparison.Ordinal) ? method.Name.Substring(0, method.Name.Length - "Async".Length) : method.Name;
            switch (name)
            {
                case "EnterScope" when receiver != null && IsThreadingLock(method.ContainingType):
                case "Lock" or "AcquireLock" or "WriterLock" when receiver != null:
                    return KeyOf(receiver!);
                case "ReaderLock" when receiver != null:
                    return new ReadLock(KeyOf(receiver!));
                default:
                    return LockTokenOf(call, entering: true);
            }
        }

        /// <summary>
        /// The lock a disposable of the code's own holds from its making to its <c>Dispose</c>: a type of the source whose
        /// code enters a <c>Monitor</c> and exits it, or enters a <c>ReaderWriterLockSlim</c>'s write (or read) lock and
        /// exits it, made by <c>new Token(o)</c> or by a call that returns one (<c>using (SynchronizedSection.Enter(_gate))
        /// { … }</c>, <c>using (_rw.Write())</c> with <c>static IDisposable Write(this ReaderWriterLockSlim l) =&gt; new
        /// WriteToken(l);</c>). The lock is on the one argument it is given, or on the call's receiver when it has none. A
        /// token made by a call named for leaving (<c>Exit</c>, <c>Release</c>) gives a <c>Monitor</c> up for its block
        /// instead (<paramref name="entering"/> false finds those).
        /// </summary>
        private static object? LockTokenOf(IOperation resource, bool entering)
        {
            var made = SpawnClassifier.Unwrap(resource);
            INamedTypeSymbol? type;
            IOperation? lockObject;
            var leaves = false;
            switch (made)
            {
                case IObjectCreationOperation creation when entering:
                    lockObject = OneReference(creation.Arguments);
                    type = lockObject == null ? null : creation.Type as INamedTypeSymbol;
                    break;
                case IInvocationOperation call:
                    leaves = Leaves(call.TargetMethod.Name);
                    lockObject = !entering && !leaves ? null : OneReference(call.Arguments) ?? (call.Arguments.Length == 0 ? call.Instance : null);
                    type = lockObject == null ? null : TokensMade.GetValue(call.TargetMethod.OriginalDefinition, _ => new System.Runtime.CompilerServices.StrongBox<INamedTypeSymbol?>(TokenMadeBy(call))).Value;
                    break;
                default:
                    return null;
            }

            if (lockObject == null || type == null || type.DeclaringSyntaxReferences.Length == 0 || made.SemanticModel is not { } model ||
                !type.GetMembers("Dispose").OfType<IMethodSymbol>().Any(dispose => dispose.Parameters.Length == 0))
            {
                return null;
            }

            var held = LockTokens.GetValue(type.OriginalDefinition, t => new System.Runtime.CompilerServices.StrongBox<TokenLock>(LockOfToken(t, model.Compilation))).Value;
            return held == TokenLock.Monitor && leaves != entering ? KeyOf(lockObject)
                : held == TokenLock.Write && !leaves && entering ? KeyOf(lockObject)
                : held == TokenLock.Read && !leaves && entering ? new ReadLock(KeyOf(lockObject))
                : null;
        }

        private static IOperation? OneReference(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments) =>
            arguments.Length == 1 && arguments[0].Value.Type is { IsReferenceType: true } ? arguments[0].Value : null;

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, System.Runtime.CompilerServices.StrongBox<INamedTypeSymbol?>> TokensMade =
            new System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, System.Runtime.CompilerServices.StrongBox<INamedTypeSymbol?>>();

        // The type a call makes: its own return type when the source declares it, or the one type every return of a source
        // method creates (static IDisposable Write(this ReaderWriterLockSlim l) => new WriteToken(l);).
        private static INamedTypeSymbol? TokenMadeBy(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (method.ReturnType is INamedTypeSymbol { TypeKind: not TypeKind.Interface } declared && declared.DeclaringSyntaxReferences.Length > 0)
            {
                return declared;
            }

            if (!(SourceCallees.BodyOf(method, call, anyFile: true) is { } body))
            {
                return null;
            }

            INamedTypeSymbol? made = null;
            foreach (var value in body.DescendantsAndSelf().OfType<IReturnOperation>().Select(returned => returned.ReturnedValue))
            {
                if (!(value != null && SpawnClassifier.Unwrap(value) is IObjectCreationOperation { Type: INamedTypeSymbol created }) ||
                    (made != null && !SymbolEqualityComparer.Default.Equals(made, created)))
                {
                    return null;
                }

                made = created;
            }

            return made;
        }

        private static bool Leaves(string name) =>
            name.StartsWith("Exit", System.StringComparison.Ordinal) || name.StartsWith("Release", System.StringComparison.Ordinal) ||
            name.StartsWith("Leave", System.StringComparison.Ordinal) || name.StartsWith("Unlock", System.StringComparison.Ordinal);

        private enum TokenLock
        {
            None,
            Monitor,
            Write,
            Read,
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, System.Runtime.CompilerServices.StrongBox<TokenLock>> LockTokens =
            new System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, System.Runtime.CompilerServices.StrongBox<TokenLock>>();

        // Which lock a token type's code takes and gives back: a Monitor (Enter and Exit), or one kind of a
        // ReaderWriterLockSlim's locks (EnterWriteLock and ExitWriteLock, or the read ones). A type that takes both kinds
        // (a token told which by a flag) holds a lock the rules cannot name.
        private static TokenLock LockOfToken(INamedTypeSymbol type, Compilation compilation)
        {
            var calls = new HashSet<string>();
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (!compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    continue;
                }

                SemanticModel? model = null;
                foreach (var invocation in reference.GetSyntax().DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var name = Flow.CallIndex.NameOf(invocation.Expression);
                    if (!(name is "Enter" or "Exit" or "EnterWriteLock" or "ExitWriteLock" or "EnterReadLock" or "ExitReadLock" or "EnterUpgradeableReadLock" or "ExitUpgradeableReadLock"))
                    {
                        continue;
                    }

                    model ??= SourceCallees.ModelOf(compilation, reference.SyntaxTree);
                    if (model.GetSymbolInfo(invocation).Symbol is IMethodSymbol { ContainingType: { ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } owner } &&
                        owner.Name is "Monitor" or "ReaderWriterLockSlim")
                    {
                        calls.Add(name!.Replace("Upgradeable", ""));
                    }
                }
            }

            var monitor = calls.Contains("Enter") && calls.Contains("Exit");
            var write = calls.Contains("EnterWriteLock") && calls.Contains("ExitWriteLock");
            var read = calls.Contains("EnterReadLock") && calls.Contains("ExitReadLock");
            return monitor && !write && !read ? TokenLock.Monitor
                : write && !monitor && !read ? TokenLock.Write
                : read && !monitor && !write ? TokenLock.Read
                : TokenLock.None;
        }

        // System.Threading.Lock (.NET 9): lock statements, EnterScope, and Enter/Exit pairs take it.
        private static bool IsThreadingLock(INamedTypeSymbol? type) =>
            type is { Name: "Lock", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        /// <summary>
        /// A lock a statement above <paramref name="statement"/> in its block made sure of by leaving when it was not
        /// taken (<c>if (!Monitor.TryEnter(o, 100)) return;</c>, <c>if (!taken) throw …;</c>,
        /// <c>if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return;</c>), with no exit of it in between.
        /// </summary>
        private static void AddLocksTakenAbove(IBlockOperation block, IOperation statement, SynchronisationSymbols sync, List<object> result)
        {
            var at = block.Operations.IndexOf(statement);
            for (var i = at - 1; i >= 0; i--)
            {
                if (block.Operations[i] is ILockOperation guarded && ClaimedUnder(guarded) is { } claimed)
                {
                    if (!ReleasedBetween(block, i, at, claimed, sync, finallyOfLastRunsAfter: true) && !result.Exists(key => SameKey(key, claimed)))
                    {
                        result.Add(claimed);
                    }

                    continue;
                }

                if (!(block.Operations[i] is IConditionalOperation { WhenFalse: null } leave) || !Leaves(leave.WhenTrue))
                {
                    continue;
                }

                foreach (var taken in TakenIfFalse(leave.Condition, leave, sync))
                {
                    // An exit in the finally of the statement that holds the access runs after it.
                    if (!ReleasedBetween(block, i, at, taken, sync, finallyOfLastRunsAfter: true) && !result.Exists(key => SameKey(key, taken)))
                    {
                        result.Add(taken);
                    }
                }
            }
        }

        /// <summary>
        /// An exit of <paramref name="key"/> in the statements of <paramref name="block"/> after <paramref name="from"/> up to
        /// <paramref name="at"/>, the statement holding the access; with <paramref name="finallyOfLastRunsAfter"/>, one in a
        /// finally of that last statement does not count (it runs after the access).
        /// </summary>
        private static bool ReleasedBetween(IBlockOperation block, int from, int at, object key, SynchronisationSymbols sync, bool finallyOfLastRunsAfter)
        {
            for (var j = from + 1; j <= at; j++)
            {
                var statement = block.Operations[j];
                if (statement.DescendantsAndSelf().Any(o => ((Pair(o, sync, entering: false) is { } exit && SameKey(exit, key)) || WritesFlag(o, key, sync)) &&
                                                            !(finallyOfLastRunsAfter && j == at && InFinally(o, statement))))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool InFinally(IOperation operation, IOperation statement)
        {
            IOperation child = operation;
            for (var parent = operation.Parent; parent != null && child != statement; child = parent, parent = parent.Parent)
            {
                if (parent is ITryOperation tryOperation && tryOperation.Finally == child)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The branch always leaves the block: a return, a throw, a break, a continue or a goto, alone or last in a block.</summary>
        private static bool Leaves(IOperation branch)
        {
            var last = branch is IBlockOperation block ? (block.Operations.Length == 0 ? null : block.Operations[block.Operations.Length - 1]) : branch;
            return last is IReturnOperation || last is IBranchOperation || last is IThrowOperation || last is IExpressionStatementOperation { Operation: IThrowOperation };
        }

        /// <summary>
        /// The locks held where <paramref name="condition"/> is true: a try-enter that returned true (<c>Monitor.TryEnter(o,
        /// 100)</c>, <c>rw.TryEnterWriteLock(100)</c>, <c>await gate.WaitAsync(100)</c> on a one-slot semaphore,
        /// <c>mutex.WaitOne(100)</c>), either side of an <c>&amp;&amp;</c>, or a flag a statement above set by
        /// <c>Monitor.TryEnter(o, 100, ref taken)</c> or <c>Monitor.Enter(o, ref taken)</c>.
        /// </summary>
        private static List<object> TakenIf(IOperation condition, IOperation at, SynchronisationSymbols sync)
        {
            var found = new List<object>();
            while (condition is IConversionOperation conversion)
            {
                condition = conversion.Operand;
            }

            switch (condition)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                    found.AddRange(TakenIf(both.LeftOperand, at, sync));
                    found.AddRange(TakenIf(both.RightOperand, at, sync));
                    break;
                case ILocalReferenceOperation flag when (FlagSetBy(flag.Local, at, sync) ?? FlagClaimedInto(flag)) is { } key:
                    found.Add(key);
                    break;
                default:
                    if ((TryEnterOf(condition, sync) ?? FlagTaken(condition, whenTrue: true, sync)) is { } entered && entered != Unknown)
                    {
                        found.Add(entered);
                    }

                    break;
            }

            return found;
        }

        /// <summary>
        /// The locks held where <paramref name="condition"/> is false, below an <c>if</c> that leaves when it is true: the
        /// operand of a <c>!</c> (<see cref="TakenIf"/>), either side of an <c>||</c>, or a flag test (<see cref="FlagTaken"/>).
        /// </summary>
        private static List<object> TakenIfFalse(IOperation condition, IOperation at, SynchronisationSymbols sync)
        {
            while (condition is IConversionOperation conversion)
            {
                condition = conversion.Operand;
            }

            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return TakenIf(not.Operand, at, sync);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                    var found = TakenIfFalse(either.LeftOperand, at, sync);
                    found.AddRange(TakenIfFalse(either.RightOperand, at, sync));
                    return found;
                default:
                    return FlagTaken(condition, whenTrue: false, sync) is { } flag ? new List<object> { flag } : new List<object>();
            }
        }

        /// <summary>
        /// The flag a test takes as a try-lock when the test comes out <paramref name="whenTrue"/>: an atomic swap that
        /// found the flag free (<c>Interlocked.CompareExchange(ref _busy, 1, 0) == 0</c>, <c>Interlocked.Exchange(ref _busy,
        /// 1) == 0</c> or <c>!= 1</c>, <c>Interlocked.Increment(ref _busy) == 1</c>, <c>!Interlocked.Exchange(ref _busy,
        /// true)</c>) or the negation of one. Until the flag is written back (<see cref="WritesFlag"/>) no other thread gets
        /// past the same test, so the code behind it excludes itself as under a lock on the flag: a timer callback that
        /// returns when its last tick still runs. Null for any other test, or a flag the rules cannot name.
        /// </summary>
        private static object? FlagTaken(IOperation condition, bool whenTrue, SynchronisationSymbols sync)
        {
            while (condition is IConversionOperation conversion)
            {
                condition = conversion.Operand;
            }

            if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                return FlagTaken(not.Operand, !whenTrue, sync);
            }

            bool? takenIfEqual;
            IInvocationOperation? swap;
            var equal = true;
            if (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison)
            {
                var left = SpawnClassifier.Unwrap(comparison.LeftOperand);
                var right = SpawnClassifier.Unwrap(comparison.RightOperand);
                swap = left as IInvocationOperation ?? right as IInvocationOperation;
                var constant = swap == left ? comparison.RightOperand.ConstantValue : comparison.LeftOperand.ConstantValue;
                if (swap == null || !constant.HasValue || constant.Value == null)
                {
                    return null;
                }

                equal = comparison.OperatorKind == BinaryOperatorKind.Equals;
                takenIfEqual = TakenIfResultIs(swap, constant.Value, sync);
            }
            else
            {
                // if (Interlocked.Exchange(ref _busy, true)) return;
                swap = condition as IInvocationOperation;
                takenIfEqual = swap != null && swap.Type?.SpecialType == SpecialType.System_Boolean ? TakenIfResultIs(swap, true, sync) : null;
            }

            return takenIfEqual is { } taken && taken == (equal == whenTrue) && KeyOf(swap!.Arguments[0].Value) is ISymbol flag ? flag : null;
        }

        /// <summary>
        /// Whether an atomic swap of a flag took it when its result equals <paramref name="value"/> (true) or when it differs
        /// (false); null when the call is no such swap or the value tells nothing. A flag holds two values, free and taken.
        /// </summary>
        private static bool? TakenIfResultIs(IInvocationOperation call, object value, SynchronisationSymbols sync)
        {
            if (!KnownSymbols.Is(call.TargetMethod.ContainingType, sync.Interlocked) || call.Arguments.Length == 0 ||
                call.Arguments[0].Parameter?.RefKind != RefKind.Ref)
            {
                return null;
            }

            var arguments = call.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToList();
            switch (call.TargetMethod.Name)
            {
                case "CompareExchange" when arguments.Count == 3 && arguments[1].Value.ConstantValue is { HasValue: true } set &&
                                            arguments[2].Value.ConstantValue is { HasValue: true } free && !SameConstant(set.Value, free.Value):
                    // It returns what it found: the free value when it took the flag.
                    return SameConstant(value, free.Value) ? true : SameConstant(value, set.Value) ? false : (bool?)null;
                case "Exchange" when arguments.Count == 2 && arguments[1].Value.ConstantValue is { HasValue: true } set:
                    // It found the value it stores when another thread held the flag.
                    return !SameConstant(value, set.Value);
                case "Increment" when arguments.Count == 1:
                    return SameConstant(value, 1) ? true : (bool?)null;
                default:
                    return null;
            }
        }

        private static bool SameConstant(object? a, object? b)
        {
            if (a is bool || b is bool)
            {
                return Equals(a, b);
            }

            try
            {
                return a != null && b != null && System.Convert.ToDecimal(a, System.Globalization.CultureInfo.InvariantCulture) ==
                       System.Convert.ToDecimal(b, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (System.Exception e) when (e is System.FormatException || e is System.InvalidCastException || e is System.OverflowException)
            {
                return false;
            }
        }

        /// <summary>
        /// <paramref name="operation"/> writes the flag <paramref name="key"/> back, which lets the next thread past its test
        /// (<see cref="FlagTaken"/>): an assignment (<c>_busy = 0</c>), or a ref argument of Interlocked or
        /// <c>Volatile.Write</c>.
        /// </summary>
        private static bool WritesFlag(IOperation operation, object key, SynchronisationSymbols sync)
        {
            if (!(operation is IFieldReferenceOperation || operation is ILocalReferenceOperation) || !(key is IFieldSymbol || key is ILocalSymbol) ||
                !SameKey(KeyOf(operation), key))
            {
                return false;
            }

            return operation.Parent is ISimpleAssignmentOperation assignment && assignment.Target == operation ||
                   operation.Parent is IArgumentOperation { Parameter: { RefKind: RefKind.Ref }, Parent: IInvocationOperation { TargetMethod: { } method } } &&
                   (KnownSymbols.Is(method.ContainingType, sync.Interlocked) || (KnownSymbols.Is(method.ContainingType, sync.Volatile) && method.Name == "Write"));
        }

        /// <summary>
        /// The flags that a one-shot work item holds from its start until it writes them back as its last step: the code
        /// that started it took the flag (<see cref="FlagTaken"/>) and does not write it back itself after the start
        /// (<c>if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0) Task.Run(() =&gt; { try { Flush(); } finally {
        /// _flushing = 0; } });</c>). No other run of the work starts until this one gives the flag back, so its runs follow
        /// each other as under a lock. Empty for work that may run again by itself (a periodic timer).
        /// </summary>
        public static List<object> HandedOver(SpawnSite site, IOperation body, SynchronisationSymbols sync)
        {
            var flags = new List<object>();
            if (site.Kind != SpawnKind.Unscoped || site.MayOverlapItself || !(body is IBlockOperation block) ||
                !(Functions.Root(site.Operation) is { } starter))
            {
                return flags;
            }

            var statements = Statements(block);
            if (statements.Count == 0 || !StartsLast(site.Operation))
            {
                return flags;
            }

            var last = statements[statements.Count - 1];
            foreach (var key in LocksHeld(site.Operation, sync, 0))
            {
                if (!(key is IFieldSymbol { Type: { IsValueType: true } } || key is ILocalSymbol { Type: { IsValueType: true } }))
                {
                    // A lock statement's object stays with the thread that took it; only a flag can be handed on.
                    continue;
                }

                var writes = body.Descendants().Where(o => WritesFlag(o, key, sync)).ToList();
                var givenBackLast = writes.Count > 0 && writes.All(write =>
                    (last is ITryOperation { Finally: { } finallyBlock } && finallyBlock.Syntax.Span.Contains(write.Syntax.Span)) || NothingRunsAfter(write, block));
                var starterGivesBack = starter.Descendants().Any(o => o.Syntax.SpanStart > site.Operation.Syntax.Span.End &&
                                                                     !body.Syntax.Span.Contains(o.Syntax.Span) && WritesFlag(o, key, sync));
                if (givenBackLast && !starterGivesBack)
                {
                    flags.Add(key);
                }
            }

            return flags;
        }

        /// <summary>
        /// Once <paramref name="write"/> is done the work ends: it is followed by a <c>return</c>, or it is the last
        /// statement of <paramref name="body"/> (also inside an <c>if</c> or a <c>lock</c> there), never inside a loop that
        /// goes round again.
        /// </summary>
        private static bool NothingRunsAfter(IOperation write, IBlockOperation body)
        {
            IOperation node = write;
            for (var parent = write.Parent; parent != null; node = parent, parent = parent.Parent)
            {
                if (parent is ILoopOperation || parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return false;
                }

                if (!(parent is IBlockOperation block))
                {
                    continue;
                }

                var statements = Statements(block);
                var at = statements.IndexOf(node);
                if (at >= 0 && at + 1 < statements.Count)
                {
                    return statements[at + 1] is IReturnOperation;
                }

                if (block == body)
                {
                    return true;
                }
            }

            return false;
        }

        private static List<IOperation> Statements(IBlockOperation block) =>
            block.Operations.Where(statement => !(statement is IReturnOperation { ReturnedValue: null, IsImplicit: true })).ToList();

        /// <summary>
        /// The start is the last statement of its block: the starter does nothing more while it holds a flag it handed on
        /// (code after the start, still behind the flag's test, would run beside the work).
        /// </summary>
        private static bool StartsLast(IOperation start)
        {
            IOperation child = start;
            for (var parent = start.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IBlockOperation block)
                {
                    var statements = Statements(block);
                    return statements.Count > 0 && statements[statements.Count - 1] == child;
                }
            }

            return false;
        }

        /// <summary>
        /// The lock of a double-checked test that <paramref name="operation"/> sits in: a part of an <c>if</c>'s condition
        /// (or of an <c>&amp;&amp;</c> in it) whose branch starts with a lock that tests the same again first
        /// (<c>if (_pool.Count &lt; max) lock (_gate) if (_pool.Count &lt; max) _pool.Add(…);</c>), or, written the other way
        /// round, an <c>if</c> that leaves (<c>if (_size == 0) return false;</c>) followed by a lock that tests it again, in
        /// either sense (<c>if (_x != null) return _x; lock (_gate) { if (_x == null) _x = …; }</c>). The first test only
        /// spares taking the lock; what it reads late the test under the lock reads again, so it races only with writes
        /// made without that lock. The lock is a <c>lock</c> statement or an enter call followed by a try.
        /// </summary>
        private static object? DoubleChecked(IOperation operation, SynchronisationSymbols? sync)
        {
            IOperation child = operation;
            var parent = operation.Parent;
            while (parent != null && !(parent is IConditionalOperation) && !(parent is IBlockOperation) && !(parent is IAnonymousFunctionOperation) &&
                   !(parent is ILocalFunctionOperation))
            {
                child = parent;
                parent = parent.Parent;
            }

            if (!(parent is IConditionalOperation { IsRef: false } test) || test.Condition != child)
            {
                return null;
            }

            var parts = Conditions.Conjuncts(test.Condition).ToList();
            var part = parts.FirstOrDefault(c => c.Syntax.Span.Contains(operation.Syntax.Span));
            if (part == null)
            {
                return null;
            }

            // if (first) { lock (o) { if (first) … } }
            var branch = test.WhenTrue is IBlockOperation block ? block.Operations : ImmutableArray.Create(test.WhenTrue);
            if (LockedTest(branch, 0, sync) is { } nested)
            {
                return Conditions.Conjuncts(nested.Again.Condition).Any(c => Equivalent(c, part)) ? nested.Key : null;
            }

            // if (first) return; … lock (o) { if (first) return; … } (or if (!first) …)
            if (test.WhenFalse != null || !Leaves(test.WhenTrue) || !(test.Parent is IBlockOperation statements))
            {
                return null;
            }

            var next = statements.Operations.IndexOf(test) + 1;
            while (next < statements.Operations.Length && statements.Operations[next] is IConditionalOperation { WhenFalse: null } alsoLeaves && Leaves(alsoLeaves.WhenTrue))
            {
                // Other early exits between the first test and the lock (if (disposed) return;).
                next++;
            }

            if (!(LockedTest(statements.Operations, next, sync) is { } after))
            {
                return null;
            }

            var again = Conditions.Conjuncts(after.Again.Condition).ToList();
            return again.Any(c => Equivalent(c, part)) || (parts.Count == 1 && again.Any(c => Negates(c, part))) ? after.Key : null;
        }

        /// <summary>
        /// The lock taken by <paramref name="statements"/>[<paramref name="at"/>] when the first thing done under it is an
        /// <c>if</c>: a <c>lock</c> statement, or an enter call followed by a try (<c>rw.EnterWriteLock(); try { if (…) … }
        /// finally { rw.ExitWriteLock(); }</c>).
        /// </summary>
        private static (object Key, IConditionalOperation Again)? LockedTest(ImmutableArray<IOperation> statements, int at, SynchronisationSymbols? sync)
        {
            if (at >= statements.Length)
            {
                return null;
            }

            if (statements[at] is ILockOperation guard)
            {
                return FirstOf(guard.Body) is IConditionalOperation again ? (KeyOf(guard.LockedValue), again) : ((object, IConditionalOperation)?)null;
            }

            if (sync != null && at + 1 < statements.Length && statements[at + 1] is ITryOperation { Finally: { } } guarded &&
                EnterOf(statements[at], sync) is { } entered && entered != Unknown && FirstOf(guarded.Body) is IConditionalOperation underEnter)
            {
                return (entered, underEnter);
            }

            return null;
        }

        private static bool Equivalent(IOperation a, IOperation b) => Microsoft.CodeAnalysis.CSharp.SyntaxFactory.AreEquivalent(a.Syntax, b.Syntax);

        /// <summary>
        /// <paramref name="a"/> is the opposite test of <paramref name="b"/>: <c>x == y</c> against <c>x != y</c>, <c>x &lt; y</c>
        /// against <c>x &gt;= y</c> (and the same the other way), <c>!e</c> against <c>e</c>, <c>x is null</c> against
        /// <c>x is not null</c>.
        /// </summary>
        private static bool Negates(IOperation a, IOperation b)
        {
            a = SpawnClassifier.Unwrap(a);
            b = SpawnClassifier.Unwrap(b);
            if (a is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } notA)
            {
                return Equivalent(notA.Operand, b);
            }

            if (b is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } notB)
            {
                return Equivalent(notB.Operand, a);
            }

            if (a is IBinaryOperation left && b is IBinaryOperation right)
            {
                return Opposite(left.OperatorKind) == right.OperatorKind && Equivalent(left.LeftOperand, right.LeftOperand) && Equivalent(left.RightOperand, right.RightOperand);
            }

            if (a is IIsPatternOperation isA && b is IIsPatternOperation isB && Equivalent(isA.Value, isB.Value))
            {
                return (isA.Pattern is INegatedPatternOperation negatedA && Equivalent(negatedA.Pattern, isB.Pattern)) ||
                       (isB.Pattern is INegatedPatternOperation negatedB && Equivalent(negatedB.Pattern, isA.Pattern));
            }

            return false;
        }

        private static BinaryOperatorKind Opposite(BinaryOperatorKind kind) => kind switch
        {
            BinaryOperatorKind.Equals => BinaryOperatorKind.NotEquals,
            BinaryOperatorKind.NotEquals => BinaryOperatorKind.Equals,
            BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThanOrEqual,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThan,
            BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThanOrEqual,
            BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThan,
            _ => BinaryOperatorKind.None,
        };

        private static IOperation? FirstOf(IOperation? statement) =>
            statement is IBlockOperation block ? (block.Operations.Length > 0 ? FirstOf(block.Operations[0]) : null) : statement;

        /// <summary>The lock a try-enter call (awaited, for WaitAsync) takes when it returns true; null for any other operation.</summary>
        private static object? TryEnterOf(IOperation operation, SynchronisationSymbols sync)
        {
            if (SpawnClassifier.Unwrap(operation) is IAwaitOperation awaited)
            {
                // await gate.WaitAsync(100); also with .ConfigureAwait(false) or a project's shorthand for it.
                operation = Flow.AwaitedValues.WaitedFor(awaited);
            }

            if (!(operation is IInvocationOperation { TargetMethod: { } method } call) ||
                call.Arguments.Any(argument => argument.Parameter?.RefKind == RefKind.Ref))
            {
                return null;
            }

            var type = method.ContainingType;
            if (KnownSymbols.Is(type, sync.Monitor))
            {
                return method.Name == "TryEnter" && call.Arguments.Length > 0 ? KeyOf(call.Arguments[0].Value) : null;
            }

            if (call.Instance == null)
            {
                return null;
            }

            if (KnownSymbols.Is(type, sync.ReaderWriterLockSlim))
            {
                return method.Name == "TryEnterWriteLock" ? KeyOf(call.Instance)
                    : method.Name is "TryEnterReadLock" or "TryEnterUpgradeableReadLock" ? new ReadLock(KeyOf(call.Instance))
                    : null;
            }

            if (KnownSymbols.Is(type, sync.SemaphoreSlim) && method.Name is "Wait" or "WaitAsync" && call.Arguments.Length > 0 && !call.Arguments.All(OnlyCancels) && KeyOf(call.Instance) is ISymbol semaphore && IsMutex(semaphore))
            {
                return semaphore;
            }

            if (method.Name == "WaitOne" && KnownSymbols.Is(call.Instance.Type, sync.Mutex))
            {
                return KeyOf(call.Instance);
            }

            return null;
        }

        /// <summary>
        /// The lock whose taking sets <paramref name="flag"/>: a statement above <paramref name="at"/>, in its block or an
        /// enclosing one, that is <c>Monitor.TryEnter(o, …, ref flag)</c>, <c>Monitor.Enter(o, ref flag)</c>,
        /// <c>flag = &lt;try-enter&gt;</c> or the flag's declaration with a try-enter as its value (<see cref="TryEnterOf"/>).
        /// </summary>
        private static object? FlagSetBy(ILocalSymbol flag, IOperation at, SynchronisationSymbols sync)
        {
            var child = at;
            for (var parent = at.Parent; parent != null && !(parent is IAnonymousFunctionOperation) && !(parent is ILocalFunctionOperation); child = parent, parent = parent.Parent)
            {
                if (!(parent is IBlockOperation block))
                {
                    continue;
                }

                for (var i = block.Operations.IndexOf(child) - 1; i >= 0; i--)
                {
                    if (block.Operations[i] is IVariableDeclarationGroupOperation group &&
                        group.Declarations.SelectMany(d => d.Declarators).FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, flag)) is { } declarator)
                    {
                        // var taken = await gate.WaitAsync(timeout);
                        return declarator.GetVariableInitializer()?.Value is { } initial ? TryEnterOf(initial, sync) : null;
                    }

                    if (!(block.Operations[i] is IExpressionStatementOperation { Operation: { } expression }))
                    {
                        continue;
                    }

                    if (expression is IInvocationOperation { TargetMethod: { Name: "TryEnter" or "Enter" } method } call && KnownSymbols.Is(method.ContainingType, sync.Monitor) &&
                        call.Arguments.Length > 1 && call.Arguments.Any(a => a.Parameter?.RefKind == RefKind.Ref && a.Value is ILocalReferenceOperation set && SymbolEqualityComparer.Default.Equals(set.Local, flag)))
                    {
                        return KeyOf(call.Arguments[0].Value);
                    }

                    if (expression is ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } assignment && SymbolEqualityComparer.Default.Equals(assigned.Local, flag))
                    {
                        return TryEnterOf(assignment.Value, sync);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The flag a local says this thread claimed: its only store of a set value also sets the flag, under a lock and
        /// a test that the flag was clear (<c>lock (_gate) if (!_running) _running = start = true;</c>), so at most one
        /// thread finds the local set until the flag is cleared again (<see cref="FlagTaken"/>, <see cref="HandedOver"/>).
        /// </summary>
        private static ISymbol? FlagClaimedInto(ILocalReferenceOperation reference)
        {
            var local = reference.Local;
            if (local.Type.SpecialType != SpecialType.System_Boolean ||
                !(local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax declarator) ||
                !(declarator.Parent?.Parent?.Parent is { } scope) || !(SourceCallees.OperationOf(scope, reference) is { } declared))
            {
                return null;
            }

            if (declared.Descendants().OfType<IVariableDeclaratorOperation>().FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local)) is { Initializer: { } initial } &&
                !Equals(initial.Value.ConstantValue.Value, false))
            {
                return null;
            }

            ISymbol? claimed = null;
            foreach (var use in declared.Descendants().OfType<ILocalReferenceOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(use.Local, local))
                {
                    continue;
                }

                if (!(use.Parent is ISimpleAssignmentOperation store && store.Target == use))
                {
                    // A ref or out argument, a compound store or ++: the local's meaning is unknown.
                    if ((use.Parent is IAssignmentOperation other && other.Target == use) || use.Parent is IIncrementOrDecrementOperation ||
                        use.Parent is IArgumentOperation { Parameter: { RefKind: RefKind.Ref or RefKind.Out } })
                    {
                        return null;
                    }

                    continue;
                }

                // _running = start = true, or start = _running = true: the flag and the local set by one store.
                var outer = store.Parent as ISimpleAssignmentOperation;
                var inner = store.Value as ISimpleAssignmentOperation;
                var flag = outer != null && outer.Value == store ? outer.Target : inner?.Target;
                if (IsClear((inner ?? store).Value.ConstantValue))
                {
                    continue;
                }

                if (claimed != null || !(flag is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field) || !IsSet((inner ?? store).Value.ConstantValue) ||
                    !(ClaimTest(store, out var inTrueBranch) is { } test) || !SymbolEqualityComparer.Default.Equals(FlagTested(test.Condition, set: !inTrueBranch), field.Field) ||
                    !test.Ancestors().Any(ancestor => ancestor is ILockOperation))
                {
                    return null;
                }

                claimed = field.Field;
            }

            return claimed;
        }

        // The innermost if around a claiming store, and which of its branches holds the store.
        private static IConditionalOperation? ClaimTest(IOperation store, out bool inTrueBranch)
        {
            inTrueBranch = false;
            IOperation child = store;
            for (var parent = store.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IConditionalOperation test)
                {
                    inTrueBranch = test.WhenTrue == child;
                    return inTrueBranch || test.WhenFalse == child ? test : null;
                }
            }

            return null;
        }

        private static bool IsSet(Optional<object?> constant) => constant.HasValue && (Equals(constant.Value, true) || SameConstant(constant.Value, 1));

        private static bool IsClear(Optional<object?> constant) => constant.HasValue && (Equals(constant.Value, false) || SameConstant(constant.Value, 0));

        /// <summary>
        /// The flag a lock statement claims: its block leaves when the flag is set (<c>if (_running) return;</c>, also
        /// <c>!= 0</c> or <c>== 1</c>) and then sets it (<c>_running = true;</c>), so only one thread at a time gets past
        /// the lock until the flag is cleared (<see cref="FlagTaken"/>, <see cref="HandedOver"/>).
        /// </summary>
        private static object? ClaimedUnder(ILockOperation guarded)
        {
            if (!(guarded.Body is IBlockOperation body))
            {
                return null;
            }

            ISymbol? tested = null;
            foreach (var statement in body.Operations)
            {
                if (tested == null && statement is IConditionalOperation { WhenFalse: null } leave && Leaves(leave.WhenTrue))
                {
                    tested = FlagTested(leave.Condition, set: true);
                    continue;
                }

                if (tested != null && statement is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: var target, Value: var value } } &&
                    KeyOf(target) is ISymbol set && SymbolEqualityComparer.Default.Equals(set, tested) && IsSet(value.ConstantValue))
                {
                    return set;
                }
            }

            return null;
        }

        /// <summary>
        /// The flag <paramref name="condition"/> tests, when it is true exactly where the flag is set (<paramref name="set"/>:
        /// <c>_running</c>, <c>_running == true</c>, <c>_state != 0</c>, <c>_state == 1</c>) or clear (<c>!_running</c>,
        /// <c>_running == false</c>, <c>_state == 0</c>); a <c>!</c> turns one into the other.
        /// </summary>
        private static ISymbol? FlagTested(IOperation condition, bool set)
        {
            condition = SpawnClassifier.Unwrap(condition);
            if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                return FlagTested(not.Operand, !set);
            }

            if (condition is IFieldReferenceOperation or ILocalReferenceOperation && condition.Type?.SpecialType == SpecialType.System_Boolean)
            {
                return set ? KeyOf(condition) as ISymbol : null;
            }

            if (!(condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison))
            {
                return null;
            }

            var (flag, constant) = comparison.RightOperand.ConstantValue.HasValue
                ? (comparison.LeftOperand, comparison.RightOperand.ConstantValue)
                : (comparison.RightOperand, comparison.LeftOperand.ConstantValue);
            if (!constant.HasValue || constant.Value == null)
            {
                return null;
            }

            // The comparison is true where the flag is set when it asks "== set value" or "!= clear value".
            var asksSet = comparison.OperatorKind == BinaryOperatorKind.Equals ? IsSet(constant) : IsClear(constant);
            var asksClear = comparison.OperatorKind == BinaryOperatorKind.Equals ? IsClear(constant) : Equals(constant.Value, true);
            flag = SpawnClassifier.Unwrap(flag);
            return (set ? asksSet : asksClear) && flag is IFieldReferenceOperation or ILocalReferenceOperation ? KeyOf(flag) as ISymbol : null;
        }

        private static bool Entered(IOperation statement, SynchronisationSymbols sync, object key) =>
            EnterOf(statement, sync) is { } entered && SameKey(entered, key);

        /// <summary>
        /// The lock a statement that is one enter call takes (<c>Monitor.Enter(o);</c>, <c>await gate.WaitAsync();</c>), also
        /// one that keeps what the call returns (<c>var cookie = rw.UpgradeToWriterLock(-1);</c>).
        /// </summary>
        private static object? EnterOf(IOperation statement, SynchronisationSymbols sync)
        {
            var call = statement switch
            {
                IExpressionStatementOperation { Operation: { } expression } => expression,
                // Not a WaitAsync whose task is kept: the lock is taken only where that task is awaited.
                IVariableDeclarationGroupOperation { Declarations.Length: 1 } group when group.Declarations[0].Declarators.Length == 1 =>
                    group.Declarations[0].Declarators[0].Initializer?.Value is IInvocationOperation { TargetMethod.Name: not "WaitAsync" } kept ? kept : null,
                _ => null,
            };
            if (call is IAwaitOperation awaited)
            {
                // await gate.WaitAsync(); also with .ConfigureAwait(false).
                call = Flow.AwaitedValues.WaitedFor(awaited);
            }
            else if (BlockedOn(call) is IInvocationOperation { TargetMethod.Name: "WaitAsync" } waitAsync)
            {
                // gate.WaitAsync().GetAwaiter().GetResult(), gate.WaitAsync().Wait(): the asynchronous wait, blocked on.
                call = waitAsync;
            }

            return call == null ? null : Pair(call, sync, entering: true);
        }

        /// <summary>The task a call blocks on: <c>task.GetAwaiter().GetResult()</c> or <c>task.Wait()</c>.</summary>
        private static IOperation? BlockedOn(IOperation? call) => call switch
        {
            IInvocationOperation { TargetMethod.Name: "GetResult", Instance: IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited } } => SpawnClassifier.Unwrap(awaited),
            IInvocationOperation { TargetMethod.Name: "Wait", Arguments.Length: 0, Instance: { } waited } => SpawnClassifier.Unwrap(waited),
            _ => null,
        };

        /// <summary>The lock an enter (or exit) call takes (or leaves): Monitor, a reader-writer lock, a one-slot semaphore.</summary>
        private static object? Pair(IOperation operation, SynchronisationSymbols sync, bool entering)
        {
            if (!(operation is IInvocationOperation { TargetMethod: { } method } call))
            {
                return null;
            }

            var type = method.ContainingType;
            if (KnownSymbols.Is(type, sync.Monitor))
            {
                return call.Arguments.Length > 0 && method.Name == (entering ? "Enter" : "Exit") ? KeyOf(call.Arguments[0].Value) : null;
            }

            if (call.Instance == null)
            {
                return null;
            }

            // A ReaderWriterLock's reader upgraded to the writer lock holds it until it downgrades again.
            var exclusive = entering ? new[] { "EnterWriteLock", "AcquireWriterLock", "UpgradeToWriterLock" } : new[] { "ExitWriteLock", "ReleaseWriterLock", "DowngradeFromWriterLock" };
            var shared = entering ? new[] { "EnterReadLock", "EnterUpgradeableReadLock", "AcquireReaderLock" } : new[] { "ExitReadLock", "ExitUpgradeableReadLock", "ReleaseReaderLock" };
            if (KnownSymbols.Is(type, sync.ReaderWriterLockSlim) || KnownSymbols.Is(type, sync.ReaderWriterLock))
            {
                return System.Array.IndexOf(exclusive, method.Name) >= 0 ? KeyOf(call.Instance)
                    : System.Array.IndexOf(shared, method.Name) >= 0 ? new ReadLock(KeyOf(call.Instance))
                    : null;
            }

            if (IsThreadingLock(type) && call.Arguments.Length == 0 && method.Name == (entering ? "Enter" : "Exit"))
            {
                // _gate.Enter(); try { … } finally { _gate.Exit(); } on a System.Threading.Lock.
                return KeyOf(call.Instance);
            }

            if (KnownSymbols.Is(type, sync.SpinLock) && (entering ? method.Name == "Enter" && call.Arguments.Length == 1 : method.Name == "Exit"))
            {
                // bool taken = false; try { _spin.Enter(ref taken); … } finally { if (taken) _spin.Exit(); }
                // A SpinLock is a struct: through a readonly field or a property each call enters a copy, which excludes nobody.
                return call.Instance is IFieldReferenceOperation { Field.IsReadOnly: true } or IPropertyReferenceOperation ? null : KeyOf(call.Instance);
            }

            if (KnownSymbols.Is(type, sync.SemaphoreSlim) &&
                (entering ? (method.Name == "Wait" || method.Name == "WaitAsync") && call.Arguments.All(OnlyCancels) : method.Name == "Release" && call.Arguments.Length == 0) &&
                KeyOf(call.Instance) is ISymbol semaphore)
            {
                return semaphore is IFieldSymbol field && SplitSemaphoreOf(field, sync) is { } split ? split : IsMutex(semaphore) ? semaphore : null;
            }

            // A Mutex (WaitOne, then ReleaseMutex), and a kernel Semaphore created with one slot (WaitOne, then Release).
            var instanceType = call.Instance.Type;
            if (entering && method.Name == "WaitOne" && call.Arguments.Length == 0 &&
                (KnownSymbols.Is(instanceType, sync.Mutex) || (KnownSymbols.Is(instanceType, sync.Semaphore) && KeyOf(call.Instance) is ISymbol kernel && IsMutex(kernel))))
            {
                return KeyOf(call.Instance);
            }

            if (!entering && call.Arguments.Length == 0 &&
                ((KnownSymbols.Is(type, sync.Mutex) && method.Name == "ReleaseMutex") ||
                 (KnownSymbols.Is(type, sync.Semaphore) && method.Name == "Release" && KeyOf(call.Instance) is ISymbol released && IsMutex(released))))
            {
                return KeyOf(call.Instance);
            }

            return null;
        }

        /// <summary>
        /// The call takes a lock that a pair of calls holds (<see cref="LocksHeld"/>): <c>_gate.Wait()</c> or
        /// <c>await _gate.WaitAsync()</c> on a one-slot semaphore, <c>EnterWriteLock()</c>, <c>Monitor.Enter(o)</c>. It
        /// waits only until another holder leaves, never for work to end, and the holder may take it again later.
        /// </summary>
        public static bool EntersLock(IOperation operation, SynchronisationSymbols sync) =>
            Pair(operation, sync, entering: true) is { } key && key != Unknown && !(key is ISymbol semaphore && ReleasedWithoutTaking(semaphore));

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISymbol, System.Runtime.CompilerServices.StrongBox<bool>> HandedOverSemaphores =
            new System.Runtime.CompilerServices.ConditionalWeakTable<ISymbol, System.Runtime.CompilerServices.StrongBox<bool>>();

        /// <summary>
        /// A semaphore that some function releases without taking it (<c>_busy.Wait(); Task.Run(() => { …;
        /// _busy.Release(); });</c>): its slot is handed to the work, and taking it waits for the work to give it back.
        /// </summary>
        private static bool ReleasedWithoutTaking(ISymbol semaphore) =>
            HandedOverSemaphores.GetValue(semaphore.OriginalDefinition, s => new System.Runtime.CompilerServices.StrongBox<bool>(ReadReleasedWithoutTaking(s))).Value;

        private static bool ReadReleasedWithoutTaking(ISymbol semaphore)
        {
            var scopes = semaphore is IFieldSymbol field
                ? field.ContainingType.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax())
                : semaphore.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax().Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax || a is AccessorDeclarationSyntax || a is LocalFunctionStatementSyntax) ?? reference.GetSyntax());
            return ReleasesWithoutTaking(scopes, new[] { semaphore.Name });
        }

        /// <summary>
        /// Whether some function in <paramref name="scopes"/> releases one of the semaphores named <paramref name="names"/>
        /// without first waiting for one of them: it gives a slot it did not take.
        /// </summary>
        private static bool ReleasesWithoutTaking(IEnumerable<SyntaxNode> scopes, IReadOnlyCollection<string> names)
        {
            foreach (var scope in scopes)
            {
                foreach (var call in scope.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (Flow.CallIndex.NameOf(call.Expression) != "Release" || !names.Any(name => OnSemaphore(call, name)))
                    {
                        continue;
                    }

                    var function = call.Ancestors().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax || a is LocalFunctionStatementSyntax || a is BaseMethodDeclarationSyntax || a is AccessorDeclarationSyntax);
                    if (function == null || !function.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(wait =>
                            wait.SpanStart < call.SpanStart && Flow.CallIndex.NameOf(wait.Expression) is "Wait" or "WaitAsync" or "WaitOne" && names.Any(name => OnSemaphore(wait, name))))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        // _gate.Release(), this._gate.Release(), _gate?.Release(): a call on the variable of that name.
        private static bool OnSemaphore(InvocationExpressionSyntax call, string name)
        {
            var receiver = call.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Expression,
                MemberBindingExpressionSyntax => (call.Parent as ConditionalAccessExpressionSyntax)?.Expression,
                _ => null,
            };
            if (receiver is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self)
            {
                receiver = self.Name;
            }

            return receiver is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name;
        }

        // Wait(token) and WaitAsync(token) either take the semaphore or throw: a token is not a timeout.
        private static bool OnlyCancels(IArgumentOperation argument) => argument.Parameter?.Type is { Name: "CancellationToken" };

        /// <summary>
        /// A SemaphoreSlim or Semaphore created with one slot (new SemaphoreSlim(1) or (1, 1)): it excludes like a lock. Where
        /// it is declared, or, for a field declared without a value, in every assignment its type makes (the constructor's
        /// <c>_gate = new SemaphoreSlim(1, 1);</c>).
        /// </summary>
        private static bool IsMutex(ISymbol semaphore)
        {
            foreach (var reference in semaphore.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer: { Value: var value } })
                {
                    return IsOneSlotCreation(value);
                }
            }

            if (!(semaphore is IFieldSymbol field))
            {
                return false;
            }

            var assigned = ValuesStoredIn(field).Where(value => value != null).ToList();
            return assigned.Count > 0 && assigned.All(value => IsOneSlotCreation(value!));
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, System.Runtime.CompilerServices.StrongBox<IFieldSymbol[]>> SplitSemaphores =
            new System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, System.Runtime.CompilerServices.StrongBox<IFieldSymbol[]>>();

        /// <summary>
        /// The split binary semaphore <paramref name="field"/> belongs to, named by its first field: the SemaphoreSlim
        /// fields of one type created with at most one permit, whose permits add up to one (the buffer of one slot,
        /// <c>_empty = new(1, 1)</c> and <c>_full = new(0, 1)</c>), where every function that releases one has waited
        /// for one before. Together they hold one permit, so from a wait for any of them to the release of any the code
        /// excludes like a lock: the producer that waits for <c>_empty</c>, writes and releases <c>_full</c>, and the
        /// consumer that waits for <c>_full</c>, reads and releases <c>_empty</c>.
        /// </summary>
        private static ISymbol? SplitSemaphoreOf(IFieldSymbol field, SynchronisationSymbols sync)
        {
            var group = SplitSemaphores.GetValue(field.ContainingType, type => new System.Runtime.CompilerServices.StrongBox<IFieldSymbol[]>(SplitSemaphore(type, sync))).Value;
            return group.Any(member => SymbolEqualityComparer.Default.Equals(member, field.OriginalDefinition)) ? group[0] : null;
        }

        private static IFieldSymbol[] SplitSemaphore(INamedTypeSymbol type, SynchronisationSymbols sync)
        {
            var group = new List<IFieldSymbol>();
            var permits = 0;
            foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
            {
                if (KnownSymbols.Is(field.Type, sync.SemaphoreSlim) && ValuesStoredIn(field).ToList() is { Count: > 0 } values &&
                    values.ConvertAll(value => value == null ? null : PermitsOfOneSlot(value)) is var counts && counts.TrueForAll(count => count == counts[0]) && counts[0] is { } count)
                {
                    group.Add(field);
                    permits += count;
                }
            }

            if (group.Count < 2 || permits != 1)
            {
                return System.Array.Empty<IFieldSymbol>();
            }

            // A function that releases one without first waiting for one adds a permit: then two may hold them at once.
            return ReleasesWithoutTaking(type.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax()), group.ConvertAll(field => field.Name))
                ? System.Array.Empty<IFieldSymbol>()
                : group.ToArray();
        }

        // new SemaphoreSlim(0, 1) or (1, 1): the permits it starts with, where it can never hold more than one.
        private static int? PermitsOfOneSlot(ExpressionSyntax value) =>
            value is BaseObjectCreationExpressionSyntax { ArgumentList: { Arguments: { Count: 2 } arguments } } &&
            arguments[1].Expression is LiteralExpressionSyntax { Token.ValueText: "1" } &&
            arguments[0].Expression is LiteralExpressionSyntax { Token.ValueText: "0" or "1" } initial
                ? (initial.Token.ValueText == "1" ? 1 : 0)
                : null;

        /// <summary>
        /// Every value the code of a field's (or an auto-property's) type stores in it: its initializer, then the right side
        /// of each assignment to it (<c>_gate = …</c>, <c>this._gate ??= …</c>); null for each place that passes it by
        /// <c>ref</c>, where any value may land, and for each <c>++</c> or <c>--</c> of it.
        /// </summary>
        internal static IEnumerable<ExpressionSyntax?> ValuesStoredIn(ISymbol field)
        {
            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax() switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };
                if (initializer != null)
                {
                    yield return initializer;
                }
            }

            foreach (var part in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var name in part.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (name.Identifier.ValueText != field.Name)
                    {
                        continue;
                    }

                    var use = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == name ? (ExpressionSyntax)access : name;
                    if (use.Parent is AssignmentExpressionSyntax assignment && assignment.Left == use)
                    {
                        yield return assignment.Right;
                    }
                    else if (use.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.None } ||
                             use.Parent is PostfixUnaryExpressionSyntax
                             {
                                 RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.PostIncrementExpression or (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.PostDecrementExpression
                             } ||
                             use.Parent is PrefixUnaryExpressionSyntax
                             {
                                 RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.PreIncrementExpression or (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.PreDecrementExpression
                             })
                    {
                        yield return null;
                    }
                }
            }
        }

        private static bool IsOneSlotCreation(ExpressionSyntax value) =>
            value is BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } &&
            arguments.Arguments.Count >= 1 && arguments.Arguments.Count <= 2 &&
            arguments.Arguments.All(a => a.Expression is LiteralExpressionSyntax { Token: { ValueText: "1" } });

        /// <summary>The key names one object the code can lock again: a variable, a field, a type, or this.</summary>
        internal static bool NamesOneObject(object key) => key is ISymbol || key is ThisLock;

        /// <summary>Two keys name the same lock, held the same way (both for reading, or neither).</summary>
        internal static bool SameKey(object x, object y) =>
            x is ReadLock rx && y is ReadLock ry ? SameKey(rx.Key, ry.Key)
            : !(x is ReadLock) && !(y is ReadLock) && (Equals(x, y) || (x is ISymbol sx && y is ISymbol sy && SymbolEqualityComparer.Default.Equals(sx, sy)));

        /// <summary>A reader-writer lock held for reading: it excludes the writers of the same lock, not other readers.</summary>
        private sealed class ReadLock
        {
            public ReadLock(object key) => Key = key;

            public object Key { get; }

            public override bool Equals(object? obj) => obj is ReadLock other && SameKey(Key, other.Key);

            public override int GetHashCode() => Key is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : Key.GetHashCode();
        }

        /// <summary>
        /// What names the object a lock takes: the local, parameter or field (an auto-property of this or a static one, or
        /// a property that hands out such a field, as <see cref="Places.SharedObjectOf"/> names it), the type for this and
        /// typeof, a fresh object for one created by the lock itself, else an unknown object.
        /// </summary>
        public static object KeyOf(IOperation value)
        {
            if (MadeByTheLock(value))
            {
                return Fresh;
            }

            switch (SpawnClassifier.Unwrap(value))
            {
                case IObjectCreationOperation:
                    return Fresh;
                case ILocalReferenceOperation local:
                    return OwnFreshLock(local) ? Fresh : local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field when field.Instance == null || Places.IsThis(field.Instance):
                    return field.Field;
                case IPropertyReferenceOperation property when Places.SharedObjectOf(property) is { } member:
                    // lock (SyncRoot) with SyncRoot { get; } = new object(), or Gate => _gate: the field behind it.
                    return member;
                case IInstanceReferenceOperation instance when instance.Type != null:
                    return new ThisLock(instance.Type);
                case ITypeOfOperation typeOf:
                    return typeOf.TypeOperand;
                default:
                    return Unknown;
            }
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IFieldSymbol, System.Runtime.CompilerServices.StrongBox<bool>> OwnObjectFields =
            new System.Runtime.CompilerServices.ConditionalWeakTable<IFieldSymbol, System.Runtime.CompilerServices.StrongBox<bool>>();

        /// <summary>
        /// An instance field that holds an object of its own instance: every value its type stores in it is one it
        /// creates there (<c>private readonly object _sync = new object();</c>, or <c>_sync = new object();</c> in a
        /// constructor), and it is never passed by <c>ref</c>. Two instances then lock two objects with it; a field set
        /// from a constructor's argument or from a static may hold one object shared by all instances.
        /// </summary>
        internal static bool HoldsOwnObject(IFieldSymbol field) =>
            OwnObjectFields.GetValue(field.OriginalDefinition, f => new System.Runtime.CompilerServices.StrongBox<bool>(ReadHoldsOwnObject(f))).Value;

        private static bool ReadHoldsOwnObject(IFieldSymbol field)
        {
            var stored = ValuesStoredIn(field).ToList();
            return stored.Count > 0 && stored.All(value => value is BaseObjectCreationExpressionSyntax);
        }

        /// <summary>
        /// A value the lock expression itself makes, so that every run locks another object: a boxed value type
        /// (<c>lock ((object)id)</c>), a joined or interpolated string (<c>lock (name + "x")</c>).
        /// </summary>
        private static bool MadeByTheLock(IOperation value) =>
            SpawnClassifier.Unwrap(value) switch
            {
                // An object made of a value under the conversions is boxed on the way (a flag or a SpinLock is no object).
                { Type.IsValueType: true } when value.Type is { IsReferenceType: true } => true,
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } => true,
                IInterpolatedStringOperation { ConstantValue.HasValue: false } => true,
                _ => false,
            };

        /// <summary>
        /// <c>lock (this)</c> in code of <see cref="Type"/>: the object the code runs on, which a caller names (see
        /// MemberAccesses.InCaller). Not the type: <c>lock (typeof(T))</c> is one object for all instances, this one per instance.
        /// </summary>
        internal sealed class ThisLock
        {
            public ThisLock(ITypeSymbol type) => Type = type;

            public ITypeSymbol Type { get; }

            public override bool Equals(object? obj) => obj is ThisLock other && SymbolEqualityComparer.Default.Equals(Type, other.Type);

            public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(Type);
        }

        /// <summary>
        /// A local that holds an object its own function creates, and that the function uses only to lock it (<c>var gate =
        /// new object(); lock (gate) …</c> inside the work): every call of the function locks another object, so the lock
        /// excludes nothing, not even another run of the same work, as with <c>lock (new object())</c>. A local captured by a
        /// nested function, handed to a call or assigned again may be shared, and is taken as one object.
        /// </summary>
        private static bool OwnFreshLock(ILocalReferenceOperation reference)
        {
            var local = reference.Local;
            var function = Functions.EnclosingFunction(reference);
            var created = false;
            foreach (var operation in (function ?? Functions.Root(reference)).Descendants())
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    created = declarator.Initializer?.Value is { } value && SpawnClassifier.Unwrap(value) is IObjectCreationOperation &&
                              Functions.EnclosingFunction(declarator) == function;
                }
                else if (operation is ILocalReferenceOperation other && SymbolEqualityComparer.Default.Equals(other.Local, local) &&
                         (Functions.EnclosingFunction(other) != function || !IsLockedValue(other)))
                {
                    return false;
                }
            }

            return created;
        }

        /// <summary>The value is what a <c>lock</c> statement, or a <c>System.Threading.Monitor</c> call, locks.</summary>
        internal static bool IsLockedValue(IOperation value)
        {
            var wrapped = SpawnClassifier.Wrapped(value);
            return (wrapped.Parent is ILockOperation statement && statement.LockedValue == wrapped) ||
                   (wrapped.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.ContainingType: { Name: "Monitor", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } });
        }

        /// <summary>Both sides hold a lock on the same object (or one we cannot name).</summary>
        public static bool CommonLock(List<object> a, List<object> b)
        {
            foreach (var x in a)
            {
                foreach (var y in b)
                {
                    if (x is ReadLock && y is ReadLock)
                    {
                        // Two readers hold the lock together.
                        continue;
                    }

                    var kx = x is ReadLock rx ? rx.Key : x;
                    var ky = y is ReadLock ry ? ry.Key : y;
                    if (kx == Fresh || ky == Fresh)
                    {
                        // Each run creates its own: it excludes nothing, not even another run of the same code.
                        continue;
                    }

                    if (kx == Unknown || ky == Unknown || Equals(kx, ky) || (kx is ISymbol sx && ky is ISymbol sy && SymbolEqualityComparer.Default.Equals(sx, sy)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The reference is a ref argument of Interlocked.*, Volatile.* or ImmutableInterlocked.*, or a struct whose member
        /// is (<c>Interlocked.Increment(ref _stats.Sent)</c>): a struct is one place with its members (see
        /// <see cref="Spawns.AccessCollector.Kind"/>), so an atomic use of a member is an atomic use of the place. The value
        /// handed to such a call (<c>Interlocked.Exchange(ref _current, _next)</c>) is a plain read.
        /// </summary>
        public static bool IsAtomic(IOperation reference, KnownSymbols symbols) => IsAtomic(reference, symbols, SourceCallees.MaxDepth);

        private static bool IsAtomic(IOperation reference, KnownSymbols symbols, int depth) =>
            AccessCollector.ThroughStructMembers(reference).Parent is IArgumentOperation { Parameter: { RefKind: not RefKind.None } parameter, Parent: IInvocationOperation call } &&
            (symbols.Synchronisation.IsAtomicApi(call.TargetMethod.ContainingType) || OnlyAtomicThrough(parameter, call, symbols, depth)) ||
            TestsBeforeSwap(reference, symbols.Synchronisation);

        /// <summary>
        /// A ref parameter of a method of the project that only hands it on to atomic calls (<c>static bool
        /// ZeroToOne(ref this int value) =&gt; Interlocked.CompareExchange(ref value, 1, 0) == 0;</c>): what the caller passes
        /// to it is used atomically, as if the caller made the call itself. A method that may be overridden is not read.
        /// </summary>
        private static bool OnlyAtomicThrough(IParameterSymbol parameter, IInvocationOperation call, KnownSymbols symbols, int depth)
        {
            var method = call.TargetMethod;
            if (depth <= 0 || method.IsAbstract || method.IsVirtual || method.IsOverride || method.IsExtern ||
                !(SourceCallees.BodyOf(method, call, anyFile: true) is { } body))
            {
                return false;
            }

            var uses = 0;
            foreach (var use in body.Descendants().OfType<IParameterReferenceOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(use.Parameter.OriginalDefinition, parameter.OriginalDefinition))
                {
                    continue;
                }

                if (!IsAtomic(use, symbols, depth - 1))
                {
                    return false;
                }

                uses++;
            }

            return uses > 0;
        }

        /// <summary>
        /// A plain test of a flag that only decides whether the swap of the same flag beside it runs (test and test-and-set:
        /// <c>if (_busy != 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return;</c>, <c>_busy == 0 &amp;&amp;
        /// Interlocked.Exchange(ref _busy, 1) == 0</c>): a late value sends the thread on to the swap, which reads the flag
        /// again atomically, or away as if the swap had failed. So it counts as atomic, like the swap. Also as a guard that
        /// leaves, right before the statement that swaps the flag.
        /// </summary>
        private static bool TestsBeforeSwap(IOperation reference, SynchronisationSymbols sync)
        {
            var test = SpawnClassifier.Wrapped(reference);
            if (test.Parent is IBinaryOperation { OperatorKind: not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr) } comparison &&
                (comparison.LeftOperand == test ? comparison.RightOperand : comparison.LeftOperand).ConstantValue.HasValue)
            {
                test = SpawnClassifier.Wrapped(comparison);
            }

            // The same in two statements, the test alone: if (_busy != 0) return; if (Interlocked.CompareExchange(ref _busy, 1, 0) == 0) { … }
            if (test.Parent is IConditionalOperation { WhenFalse: null } guard && guard.Condition == test && Leaves(guard.WhenTrue) &&
                guard.Parent is IBlockOperation block && block.Operations.IndexOf(guard) is var at && at + 1 < block.Operations.Length &&
                SwapsFlag(block.Operations[at + 1], reference, sync))
            {
                return true;
            }

            while (test.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical)
            {
                if (logical.LeftOperand == test && SwapsFlag(logical.RightOperand, reference, sync))
                {
                    return true;
                }

                test = SpawnClassifier.Wrapped(logical);
            }

            return false;
        }

        /// <summary><paramref name="code"/> swaps the flag that <paramref name="reference"/> reads with an Interlocked call.</summary>
        private static bool SwapsFlag(IOperation code, IOperation reference, SynchronisationSymbols sync) =>
            code.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call =>
                KnownSymbols.Is(call.TargetMethod.ContainingType, sync.Interlocked) &&
                call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0) is { Parameter.RefKind: RefKind.Ref } flag &&
                Equivalent(SpawnClassifier.Unwrap(flag.Value), reference));
    }
}
