using System.Collections.Generic;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The runs of a periodic timer overlapping each other is one cause, whatever they share
    /// (<see cref="Spawns.SpawnSite.Ticks"/>): SCOPE002 and SCOPE010 report it once per work, at the place that comes
    /// first, and name the other places in the same words.
    /// </summary>
    internal static class TickRaces
    {
        /// <summary>What follows "another run of the same work": "" with no other place, else " (the runs also race on 'a' and 'b')".</summary>
        public static string OtherPlaces(List<string> names) =>
            names.Count == 0 ? "" : " (the runs also race on " + Quoted(names) + ")";

        /// <summary>"'a'", "'a' and 'b'", "'a', 'b' and 'c'".</summary>
        private static string Quoted(List<string> names)
        {
            var quoted = names.ConvertAll(n => "'" + n + "'");
            return quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.GetRange(0, quoted.Count - 1)) + " and " + quoted[quoted.Count - 1];
        }
    }
}
