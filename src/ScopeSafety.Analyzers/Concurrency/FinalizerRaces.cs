using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A finalizer runs on the finalizer thread, at a moment the program does not choose: some time after an instance
    /// has become unreachable, while the rest of the program goes on. So what it does to statics — a static field or
    /// element, or a non-thread-safe object held in a static — races with every other member of its type that uses
    /// them, as <see cref="Access.Conflict"/> decides for any two sides. The dying object's own fields are nobody
    /// else's any more, and finalizers run one at a time, so neither counts. Static constructors run before any
    /// instance exists.
    /// </summary>
    internal sealed class FinalizerRaces
    {
        private readonly KnownSymbols _symbols;
        private readonly MemberAccesses _accesses;
        private readonly SharedPlaces _threadSafety;

        public FinalizerRaces(KnownSymbols symbols, ThreadSafetyOptions options, MemberAccesses accesses)
        {
            _symbols = symbols;
            _accesses = accesses;
            _threadSafety = new SharedPlaces(symbols, options, new WorkItems(new List<WorkItem>()), accesses);
        }

        /// <summary>One race: the finalizer's access, the other member's, the member, and whether the place is an object (SCOPE011).</summary>
        public sealed class Race
        {
            public Race(Place place, bool isObject, Access finalizer, Access other, IMethodSymbol member)
            {
                Place = place;
                IsObject = isObject;
                Finalizer = finalizer;
                Other = other;
                Member = member;
            }

            public Place Place { get; }

            public bool IsObject { get; }

            public Access Finalizer { get; }

            public Access Other { get; }

            public IMethodSymbol Member { get; }
        }

        /// <summary>The first race of each static place the finalizer <paramref name="finalizer"/> (with body <paramref name="body"/>) uses.</summary>
        public List<Race> Find(IMethodSymbol finalizer, IOperation body)
        {
            var mine = StaticUses(body, finalizer);
            var races = new List<Race>();
            if (mine.Count == 0)
            {
                return races;
            }

            foreach (var member in finalizer.ContainingType.GetMembers())
            {
                if (!(member is IMethodSymbol method) || method.IsImplicitlyDeclared || SymbolEqualityComparer.Default.Equals(method, finalizer) ||
                    !(SourceCallees.BodyOf(method, body, anyFile: true) is { } theirBody))
                {
                    continue;
                }

                foreach (var entry in StaticUses(theirBody, method))
                {
                    var key = entry.Key;
                    var theirs = entry.Value;
                    if (!mine.TryGetValue(key, out var ours) || races.Exists(r => r.Place.Equals(key.Place) && r.IsObject == key.IsObject))
                    {
                        continue;
                    }

                    if (FirstConflict(ours, theirs) is { } pair)
                    {
                        races.Add(new Race(key.Place, key.IsObject, pair.Mine, pair.Theirs, method));
                    }
                }
            }

            races.Sort((a, b) => a.Finalizer.Operation.Syntax.SpanStart.CompareTo(b.Finalizer.Operation.Syntax.SpanStart));
            return races;
        }

        private static (Access Mine, Access Theirs)? FirstConflict(List<Access> mine, List<Access> theirs)
        {
            foreach (var a in mine)
            {
                foreach (var b in theirs)
                {
                    if (Access.Conflict(a, b))
                    {
                        return (a, b);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The uses of static places in <paramref name="body"/> and the source methods it calls: static fields and
        /// elements (a write or a read), and calls on non-thread-safe objects held in static fields (a mutation or a read).
        /// </summary>
        private Dictionary<(Place Place, bool IsObject), List<Access>> StaticUses(IOperation body, IMethodSymbol function)
        {
            var uses = new Dictionary<(Place, bool), List<Access>>();
            var found = _accesses.Collect(body, function, null);
            foreach (var (place, access) in found.Places)
            {
                if (IsStatic(place.Root))
                {
                    SharedPlaces.ListOf(uses, (place, false)).Add(access);
                }
            }

            foreach (var (shared, reference, access) in found.Objects)
            {
                AddObjectUse(uses, shared, reference, access);
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is IFieldReferenceOperation { Field: { IsStatic: true } field } && Access.OfObject(field, operation, _symbols) is { } use)
                {
                    AddObjectUse(uses, field, operation, use);
                }
            }

            return uses;
        }

        private void AddObjectUse(Dictionary<(Place, bool), List<Access>> uses, ISymbol shared, IOperation reference, Access access)
        {
            if (IsStatic(shared) && _threadSafety.IsNotThreadSafe(shared, reference))
            {
                SharedPlaces.ListOf(uses, (new Place(shared, "", shared.ContainingType.Name + "." + shared.Name), true)).Add(access);
            }
        }

        private static bool IsStatic(ISymbol symbol) => symbol is IFieldSymbol { IsStatic: true } || symbol is IPropertySymbol { IsStatic: true };
    }
}
