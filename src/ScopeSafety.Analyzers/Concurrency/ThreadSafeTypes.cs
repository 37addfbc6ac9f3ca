using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A type declared thread-safe (<c>[ThreadSafe]</c> on it or a base type, or listed in
    /// <c>scopesafety.checked_thread_safe_types</c>) promises that its users may call its members from several threads at
    /// once. No code in sight starts that concurrency, so it is taken from the declaration: every two of its members that
    /// users call (see <see cref="IsComparedWithOthers"/>), a member and a second call of itself included, are compared as two
    /// work items that run at the same time. Each member is read with the methods it calls one call deep, as a caller is
    /// (<see cref="CallersAfterCall.UsesOf"/>), and two accesses race as <see cref="CallersAfterCall.MemberConflict"/>
    /// says for any two members a type's users call. Places are the type's fields and statics; a non-thread-safe object
    /// held in one counts as SCOPE011's.
    /// </summary>
    internal sealed class ThreadSafeTypes
    {
        private readonly CallersAfterCall _callers;
        private readonly SharedPlaces _threadSafety;

        public ThreadSafeTypes(KnownSymbols symbols, ThreadSafetyOptions options, CallersAfterCall callers)
        {
            _callers = callers;
            _threadSafety = new SharedPlaces(symbols, options, new WorkItems(new List<WorkItem>()), callers.Accesses);
        }

        /// <summary>One race: the writing member's access, the other member's (the same member for two calls of it), and whether the place is an object (SCOPE011).</summary>
        public sealed class Race
        {
            public Race(Place place, bool isObject, Access write, IMethodSymbol writer, Access other, IMethodSymbol otherMember)
            {
                Place = place;
                IsObject = isObject;
                Write = write;
                Writer = writer;
                Other = other;
                OtherMember = otherMember;
            }

            public Place Place { get; }

            public bool IsObject { get; }

            public Access Write { get; }

            public IMethodSymbol Writer { get; }

            public Access Other { get; }

            public IMethodSymbol OtherMember { get; }

            /// <summary>The other side is a second call of the writing member.</summary>
            public bool SameMember => SymbolEqualityComparer.Default.Equals(Writer, OtherMember);
        }

        /// <summary>The type, or a type it derives from, is declared thread-safe by the attribute or the option.</summary>
        public static bool IsDeclared(INamedTypeSymbol type, KnownSymbols symbols, ThreadSafetyOptions options)
        {
            if (options.IsChecked(type))
            {
                return true;
            }

            var attribute = symbols.Runtime.ThreadSafeAttribute;
            for (var t = type; attribute != null && t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var data in t.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A member the type's users call (<see cref="CallersAfterCall.IsCalledByUsers"/>), and so may call at once from
        /// several threads, when it is public (or an explicit interface implementation): a protected member is called by the
        /// type's own code, often under the lock of a public member of the base type that calls it (a generator's
        /// <c>DoSample</c> behind <c>Sample()</c>'s lock). Not <c>Dispose</c> (and <c>DisposeAsync</c>, <c>Dispose(bool)</c>):
        /// it is called once nothing else uses the object, for thread-safe .NET types too. Finalizers are checked on their own
        /// (<see cref="FinalizerRaces"/>).
        /// </summary>
        public static bool IsComparedWithOthers(IMethodSymbol member) =>
            CallersAfterCall.IsCalledByUsers(member) && (member.DeclaredAccessibility == Accessibility.Public || member.MethodKind == MethodKind.ExplicitInterfaceImplementation) &&
            !IsDispose(member);

        /// <summary><c>Dispose</c>, <c>DisposeAsync</c> or <c>Dispose(bool)</c>, also as an explicit interface implementation.</summary>
        public static bool IsDispose(IMethodSymbol member)
        {
            var name = member.MethodKind == MethodKind.ExplicitInterfaceImplementation && member.ExplicitInterfaceImplementations.Length > 0
                ? member.ExplicitInterfaceImplementations[0].Name
                : member.Name;
            return name == "Dispose" || name == "DisposeAsync";
        }

        /// <summary>
        /// The first race of each place the members race on, once per place: at the first write in declaration order that
        /// holds no lock and races with some use in a member (or a second call of the same one), else at the first locked
        /// write that races with an unlocked use.
        /// </summary>
        public List<Race> Find(IReadOnlyList<(IMethodSymbol Member, IOperation Body)> members)
        {
            var uses = new List<(IMethodSymbol Member, Dictionary<(Place, bool), List<Access>> Uses)>();
            var places = new List<(Place, bool)>();
            foreach (var (member, body) in members)
            {
                var shared = SharedUses(member, body);
                uses.Add((member, shared));
                places.AddRange(shared.Keys.Where(key => !places.Contains(key)));
            }

            // Two members (or two calls of one) that race are one cause, however many fields they share: reported once, at
            // the first; the search for another field's race goes on past that pair.
            var races = new List<Race>();
            var pairs = new HashSet<(IMethodSymbol, IMethodSymbol)>(new PairComparer());
            foreach (var key in places)
            {
                var race = FirstRace(key, uses, pairs, unlockedOnly: true) ?? FirstRace(key, uses, pairs, unlockedOnly: false);
                if (race != null)
                {
                    pairs.Add((race.Writer, race.OtherMember));
                    pairs.Add((race.OtherMember, race.Writer));
                    races.Add(race);
                }
            }

            races.Sort((a, b) => a.Write.Operation.Syntax.SpanStart.CompareTo(b.Write.Operation.Syntax.SpanStart));
            return races;
        }

        private sealed class PairComparer : IEqualityComparer<(IMethodSymbol, IMethodSymbol)>
        {
            public bool Equals((IMethodSymbol, IMethodSymbol) x, (IMethodSymbol, IMethodSymbol) y) =>
                SymbolEqualityComparer.Default.Equals(x.Item1, y.Item1) && SymbolEqualityComparer.Default.Equals(x.Item2, y.Item2);

            public int GetHashCode((IMethodSymbol, IMethodSymbol) pair) =>
                SymbolEqualityComparer.Default.GetHashCode(pair.Item1) * 31 + SymbolEqualityComparer.Default.GetHashCode(pair.Item2);
        }

        private static Race? FirstRace((Place Place, bool IsObject) key, List<(IMethodSymbol Member, Dictionary<(Place, bool), List<Access>> Uses)> uses,
            HashSet<(IMethodSymbol, IMethodSymbol)> reported, bool unlockedOnly)
        {
            foreach (var (writer, mine) in uses)
            {
                if (mine.TryGetValue(key, out var accesses) && FirstRace(writer, accesses, key, uses.FindAll(use => !reported.Contains((writer, use.Member))), unlockedOnly) is { } race)
                {
                    return race;
                }
            }

            return null;
        }

        private static Race? FirstRace(IMethodSymbol writer, List<Access> mine, (Place Place, bool IsObject) key, List<(IMethodSymbol Member, Dictionary<(Place, bool), List<Access>> Uses)> uses,
            bool unlockedOnly)
        {
            foreach (var write in mine)
            {
                if (!write.IsWrite || (unlockedOnly && write.Locks.Count > 0))
                {
                    continue;
                }

                foreach (var (other, theirs) in uses)
                {
                    if (!theirs.TryGetValue(key, out var list))
                    {
                        continue;
                    }

                    foreach (var access in list)
                    {
                        // Two plain stores of a variable: whichever comes last wins, each whole; what races is a store
                        // against a read, or an update (x++, x = x + 1) against any store. Neither side is the work here,
                        // so the conflict is asked both ways (a setter storing its value beside a read is configuration
                        // whichever member comes first).
                        if ((key.IsObject || write.IsRead || access.IsRead) && CallersAfterCall.MemberConflict(write, access) && CallersAfterCall.MemberConflict(access, write))
                        {
                            return new Race(key.Place, key.IsObject, write, writer, access, other);
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The member's uses of the type's fields and of statics, and of the non-thread-safe objects they hold, read once
        /// per member (also in the methods it calls, one call deep).
        /// </summary>
        private Dictionary<(Place, bool), List<Access>> SharedUses(IMethodSymbol member, IOperation body)
        {
            var found = _callers.UsesOf(body, member);
            var shared = new Dictionary<(Place, bool), List<Access>>();
            foreach (var entry in found.Places)
            {
                if (CallersAfterCall.IsSharedWithCallers(entry.Key, member))
                {
                    shared.Add((entry.Key, false), entry.Value);
                }
            }

            foreach (var entry in found.Objects)
            {
                if (!CallersAfterCall.IsSharedWithCallers(entry.Key, member))
                {
                    continue;
                }

                var objectUses = entry.Value.FindAll(use => _threadSafety.IsNotThreadSafe(entry.Key.Root, use.Reference));
                if (objectUses.Count > 0)
                {
                    shared.Add((entry.Key, true), objectUses);
                }
            }

            return shared;
        }
    }
}
