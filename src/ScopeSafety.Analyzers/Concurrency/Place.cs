using System;
using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A place beyond a plain variable that two sides can share: a static field or auto-property, a field of this, a
    /// field reached through a local or parameter (<c>account.Balance</c>), or an element of an array (<c>a[i]</c>).
    /// It is named by its root (the variable, or the static or this-field the path starts from) and the path below it;
    /// two places are one when both match. Objects are told apart only by the variable that reaches them: a.f and b.f
    /// are different places (we do not guess that a and b alias, which keeps the reports precise), except where a field is
/// known to hold an object the code names: one a constructor stores from its argument (<see cref="Creation"/>).
    /// </summary>
    internal sealed class Place : IEquatable<Place>
    {
        public Place(ISymbol root, string path, string name, ElementIndex? index = null, Microsoft.CodeAnalysis.Operations.IObjectCreationOperation? creation = null)
        {
            Root = root;
            Path = path;
            Name = name;
            Index = index;
            Creation = creation;
        }

        /// <summary>
        /// For a local that only ever holds one object it creates (<c>var w = new Worker(list);</c>), that creation; not
        /// part of the place's identity. Through it a field the constructor sets from an argument is that argument's place.
        /// </summary>
        public Microsoft.CodeAnalysis.Operations.IObjectCreationOperation? Creation { get; }

        /// <summary>The local, parameter, static member or member of this the place is reached from.</summary>
        public ISymbol Root { get; }

        /// <summary>The members and element steps below the root: "", ".Balance", "[]", ".items[]".</summary>
        public string Path { get; }

        /// <summary>How messages name it: "account.Balance", "Counter.total", "count", "results[]".</summary>
        public string Name { get; }

        public bool IsElement => Path.EndsWith("[]", StringComparison.Ordinal);

        /// <summary>
        /// For a place reached through an element (<c>rings[]._state</c> from <c>rings[local]</c>), which element the
        /// work's own code indexed, when it did; not part of the place's identity. Objects in different elements are
        /// told apart like objects reached through different variables.
        /// </summary>
        public ElementIndex? Index { get; }

        /// <summary>The place one member further: <c>account</c> → <c>account.Balance</c>.</summary>
        public Place Member(string member) => new Place(Root, Path + "." + member, Name + "." + member, Index);

        /// <summary>The elements of the array this place holds, indexed by <paramref name="index"/> when known.</summary>
        public Place Element(ElementIndex? index = null) => new Place(Root, Path + "[]", Name + "[]", index);

        /// <summary>
        /// Whether the place named <paramref name="longer"/> is reached from the one named <paramref name="shorter"/>
        /// (<c>a.b</c> or <c>a[]</c> from <c>a</c>, as <see cref="Member"/> and <see cref="Element"/> name them); names that
        /// only begin alike (<c>a.Count</c>, <c>a.CountMax</c>) are not.
        /// </summary>
        public static bool NameExtends(string longer, string shorter) =>
            longer.Length > shorter.Length && longer.StartsWith(shorter, System.StringComparison.Ordinal) &&
            (longer[shorter.Length] == '.' || longer[shorter.Length] == '[');

        public bool Equals(Place? other) =>
            other != null && SymbolEqualityComparer.Default.Equals(Root, other.Root) && Path == other.Path;

        public override bool Equals(object? obj) => Equals(obj as Place);

        public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(Root) * 31 + Path.GetHashCode();

        public override string ToString() => Name;
    }
}
