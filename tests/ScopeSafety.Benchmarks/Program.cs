using BenchmarkDotNet.Running;
using ScopeSafety.Benchmarks;

// "--verify" checks that every variant computes the right answer (seconds, no measurement);
// anything else goes to BenchmarkDotNet (e.g. --filter '*Fib*' --job short).
if (args is ["--verify"])
{
    return Verification.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
