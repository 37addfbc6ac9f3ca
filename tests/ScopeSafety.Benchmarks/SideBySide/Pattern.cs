namespace ScopeSafety.Benchmarks.SideBySide;

// Scope: the runtime under test. Peer: a parallel .NET way of doing the same (the ratio compares
// against the best of these). Baseline: a sequential reference, shown but never a peer.
internal enum Kind { Scope, Peer, Baseline }

// One operation of one variant; the returned value is checked against the pattern's known answer
// (and keeps the work observable so that nothing can be optimised away).
internal sealed record Variant(string Name, Kind Kind, Func<long> Run);

// Check gets one result and returns an error message, or null when it is right. Reset runs before
// that checked run, so that a variant cannot pass on state left behind by another one.
// Unit / UnitsPerOp name what one operation is made of (spawns, forks, joins) for bytes per unit;
// TimePerUnit adds the time per unit where the units, not the work, are what is measured.
internal sealed record Pattern(
    string Name,
    Variant[] Variants,
    Func<long, string?> Check,
    Action? Reset = null,
    string? Unit = null,
    long UnitsPerOp = 0,
    bool TimePerUnit = false);
