using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// One read or write of a place (see <see cref="Places"/>) by one side of a possible race, with what orders it
    /// inside the code: the locks held around it and whether it goes through Interlocked or Volatile. Every rule that
    /// asks "may these two accesses race" asks <see cref="Conflict"/>.
    /// </summary>
    internal sealed class Access
    {
        public Access(ISymbol place, IOperation operation, bool isRead, bool isWrite, bool isAtomic, List<object> locks, IOperation? reference = null)
        {
            Place = place;
            Operation = operation;
            Reference = reference ?? operation;
            IsRead = isRead;
            IsWrite = isWrite;
            IsAtomic = isAtomic;
            Locks = locks;
        }

        /// <summary>The variable, or the object, read or written.</summary>
        public ISymbol Place { get; }

        /// <summary>Where the access is reported: the reference, or the call of a local function that makes it.</summary>
        public IOperation Operation { get; }

        /// <summary>
        /// The reference itself, also when <see cref="Operation"/> stands for it (a local function run by method group):
        /// whether it is atomic or under a lock is read here, not at the call.
        /// </summary>
        public IOperation Reference { get; }

        public bool IsRead { get; }

        /// <summary>For a variable: assigned. For an object: mutated.</summary>
        public bool IsWrite { get; }

        /// <summary>A ref argument of Interlocked.* or Volatile.*.</summary>
        public bool IsAtomic { get; }

        /// <summary>The objects locked around the access (lock statements and Monitor.Enter/Exit pairs).</summary>
        public List<object> Locks { get; }

        /// <summary>
        /// An access split into two atomic steps that a write between them breaks: the write of an update made of a read
        /// and then a write of one entry of a concurrent dictionary (<see cref="CollectionElements.ConcurrentWriteOf"/>),
        /// whose write loses any write between the two; or an event tested for null and then raised (<see cref="EventRaces"/>),
        /// which a removal between the two makes throw.
        /// </summary>
        public bool IsSplitUpdate { get; set; }

        /// <summary>What a report says the side making this access may do: "read", or "test for null and then raise" (<see cref="EventRaces"/>).</summary>
        public string ReadVerb => IsSplitUpdate && !IsWrite ? "test for null and then raise" : "read";

        /// <summary>For an array element: which element (see <see cref="ElementIndex"/>); null for any other place.</summary>
        public ElementIndex? Index { get; set; }

        /// <summary>
        /// A lazy initialisation of a reference (<c>_provider ??= Create()</c>, <c>Interlocked.CompareExchange(ref _gate,
        /// new object(), null)</c>, <c>LazyInitializer.EnsureInitialized(ref _cache, …)</c>): .NET publishes an object
        /// reference safely and these only ever replace null, so two of them, or one and a read, can only build the
        /// object twice, never see it half made or see it go back.
        /// </summary>
        public bool IsLazyInit => IsWrite && Reference.Type?.IsReferenceType == true &&
                                  (Reference.Parent is ICoalesceAssignmentOperation coalesce && coalesce.Target == Reference ||
                                   Reference.Parent is IArgumentOperation { Parent: IInvocationOperation call } argument && IsInitialisingCall(call, argument));

        /// <summary>A read that asks only whether the running thread owns the place (see <see cref="ThreadOwnership"/>).</summary>
        public bool IsOwnerTest => !IsWrite && ThreadOwnership.IsOwnerTest(Reference);

        /// <summary>A write that stores the running thread, or a constant (see <see cref="ThreadOwnership"/>).</summary>
        public bool StoresOwnerOrFree => IsWrite && ThreadOwnership.StoresOwnerOrFree(Reference);

        private static bool IsInitialisingCall(IInvocationOperation call, IArgumentOperation target)
        {
            var method = call.TargetMethod;
            if (method.ContainingType is not { ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } type ||
                call.Arguments.Length == 0 || call.Arguments[0] != target)
            {
                return false;
            }

            return type.Name == "LazyInitializer" && method.Name == "EnsureInitialized" ||
                   type.Name == "Interlocked" && method.Name == "CompareExchange" && call.Arguments.Length == 3 &&
                   call.Arguments[2].Value.ConstantValue is { HasValue: true, Value: null };
        }

        /// <summary>
        /// Where <paramref name="body"/> (a work item's) makes the access: the reference itself when it lies in the body,
        /// else the body's call that reaches it (<see cref="Entry"/> for a method run by method group or left running, else
        /// <see cref="Operation"/>): a use inside a method the body calls is made by that call.
        /// </summary>
        public IOperation MadeIn(IOperation? body) =>
            body != null && WorkItems.Holds(body.Syntax, Reference.Syntax) ? Reference
            : body != null && Entry != null && WorkItems.Holds(body.Syntax, Entry.Syntax) ? Entry
            : Operation;

        /// <summary>
        /// For work run by method group, reported at the method group, or a method called and left running, reported at the
        /// call: the call in the method's body that reaches a callee's access (null for one made in the body itself, and for
        /// other work).
        /// </summary>
        public IOperation? Entry { get; set; }

        /// <summary>The source method the access is made in, when the work reaches it through a call ("Account.Deposit").</summary>
        public string? Via { get; set; }

        /// <summary>
        /// Where the access takes effect in the text: a write when its assignment ends ("x = x + 1" reads first), a read
        /// where it is; one made inside a call (<see cref="Operation"/> stands for <see cref="Reference"/>) by the time
        /// the call returns, not where its enclosing argument list or statement ends (<c>WhenAll(LoadAsync(), SaveAsync())</c>).
        /// </summary>
        public int Position
        {
            get
            {
                var syntax = Operation.Syntax;
                if (!ReferenceEquals(Operation, Reference))
                {
                    return syntax.Span.End;
                }

                return IsWrite && Operation.Parent?.Syntax is { } parent && parent.Span.Contains(syntax.Span) ? parent.Span.End : syntax.SpanStart;
            }
        }

        /// <summary>The access of a variable at <paramref name="reference"/>, reported at <paramref name="reportAt"/> when given.</summary>
        public static Access OfVariable(ISymbol variable, IOperation reference, KnownSymbols symbols, IOperation? reportAt = null)
        {
            var (read, write) = AccessCollector.Kind(reference);
            return new Access(variable, reportAt ?? reference, read, write,
                Concurrency.Locks.IsAtomic(reference, symbols), Concurrency.Locks.LocksHeld(reference, symbols.Synchronisation), reference);
        }

        /// <summary>
        /// The use of the object <paramref name="shared"/> at <paramref name="reference"/> (a call that reads or mutates it,
        /// see <see cref="ObjectUses"/>), under the locks held there; null when the reference is no such use.
        /// </summary>
        public static Access? OfObject(ISymbol shared, IOperation reference, KnownSymbols symbols)
        {
            var use = ObjectUses.Classify(reference, symbols);
            return use == ObjectUse.None
                ? null
                : new Access(shared, reference, use == ObjectUse.Read, use == ObjectUse.Mutate, false, Concurrency.Locks.LocksHeld(reference, symbols.Synchronisation));
        }

        /// <summary>
        /// One side writes the place only through Interlocked or Volatile and the other reads it once, plainly (a counter a
        /// property shows or a log line prints, a flag a loop polls): the read sees a whole value, if not the latest. Not a
        /// read split in two (an event tested, then raised), and not a plain write beside an atomic one.
        /// </summary>
        public static bool ReadsAWholeValue(Access a, Access b) =>
            (a.IsWrite && a.IsAtomic && IsPlainRead(b)) || (b.IsWrite && b.IsAtomic && IsPlainRead(a));

        private static bool IsPlainRead(Access access) => !access.IsWrite && !access.IsSplitUpdate;

        /// <summary>
        /// Two accesses from sides that may run at the same time race when one of them writes, they are not both atomic
        /// (or one is a split update and the other writes: its write would be lost), and they hold no lock on a common
        /// object. Locks on different objects do not exclude each other.
        /// </summary>
        /// <remarks>
        /// Elements of one array conflict only when they may be the same element; <paramref name="sameItem"/> says the two
        /// accesses are made by two runs of one item, whose own indices differ.
        /// </remarks>
        public static bool Conflict(Access a, Access b, bool sameItem = false) =>
            (a.IsWrite || b.IsWrite) && (!(a.IsAtomic && b.IsAtomic) || (a.IsSplitUpdate && b.IsWrite) || (b.IsSplitUpdate && a.IsWrite)) &&
            !Concurrency.Locks.CommonLock(a.Locks, b.Locks) &&
            !((a.IsLazyInit || !a.IsWrite) && (b.IsLazyInit || !b.IsWrite)) &&
            !(a.IsOwnerTest && b.StoresOwnerOrFree) && !(b.IsOwnerTest && a.StoresOwnerOrFree) &&
            ElementIndex.MayOverlap(a.Index, b.Index, sameItem);
    }
}
