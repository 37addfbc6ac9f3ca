using BenchmarkDotNet.Running;
using ScopeSafety.Benchmarks;
using ScopeSafety.Benchmarks.SideBySide;

// "--verify" checks that every variant computes the right answer (seconds, no measurement);
// "--side-by-side" runs the interleaved-rounds harness (SideBySide/Runner.cs), which needs no SDK and
// so also runs from a self-contained publish (build/publish-bench.sh, build/bench-cores.sh);
// "--spawn-breakdown [rounds] [--warm-pool]" takes the per-item cost of Scope.Spawn apart (SideBySide/SpawnBreakdown.cs);
// anything else goes to BenchmarkDotNet (e.g. --filter '*Fib*' --job short).
if (args is ["--verify"])
{
    return Verification.Run();
}
if (args is ["--spawn-breakdown", ..])
{
    return SpawnBreakdown.Run(args);
}
if (args is ["--side-by-side", ..])
{
    return Runner.Run(args);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
