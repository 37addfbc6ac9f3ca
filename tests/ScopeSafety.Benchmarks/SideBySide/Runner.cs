using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ScopeSafety.Benchmarks.SideBySide;

// The side-by-side harness: every variant of a pattern is checked against a known answer, warmed
// up, then timed in rounds where each round runs every variant once in a rotated order, so that
// drift in the machine (frequency, other load, the GC) lands on all variants alike.
//   --side-by-side [--rounds N] [--filter substring] [--quick]
// Prints a Markdown table per pattern and one "csv,..." line per variant (and "ratio,..." lines) for
// build/bench-cores.sh to merge across core counts.
internal static class Runner
{
    private static readonly Func<bool, Pattern>[] s_patterns =
    [
        SpawnJoinPattern.Create,
        FibPattern.Create,
        QuickSortPattern.Create,
        ChunkedSumPattern.Create,
        NestedSpawnPattern.Create,
        JoinOverheadPattern.Create,
    ];

    private sealed record Result(Variant Variant, double MedianMs, double MinMs, double MaxMs, long BytesPerOp);

    public static int Run(string[] args)
    {
        bool quick = false;
        int? rounds = null;
        string filter = "";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--side-by-side":
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out int r) && r > 0:
                    rounds = r;
                    i++;
                    break;
                case "--filter" when i + 1 < args.Length:
                    filter = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'; usage: --side-by-side [--rounds N] [--filter substring] [--quick]");
                    return 2;
            }
        }
        int roundCount = rounds ?? (quick ? 3 : 21);

        PrintMachine(roundCount, quick);
        foreach (var create in s_patterns)
        {
            var pattern = create(quick);
            var variants = pattern.Variants
                .Where(v => $"{pattern.Name}/{v.Name}".Contains(filter, StringComparison.OrdinalIgnoreCase))
                .ToArray();
            if (variants.Length == 0)
            {
                continue;
            }
            if (!Verify(pattern, variants))
            {
                return 1;
            }
            Print(pattern, Measure(pattern, variants, roundCount, quick));
        }
        return 0;
    }

    // Before anything is timed: a fast figure from a wrong result must fail the run, not be reported.
    private static bool Verify(Pattern pattern, Variant[] variants)
    {
        bool ok = true;
        foreach (var variant in variants)
        {
            pattern.Reset?.Invoke();
            string? error = pattern.Check(variant.Run());
            if (error is not null)
            {
                Console.Error.WriteLine($"FAIL {pattern.Name} / {variant.Name}: {error}");
                ok = false;
            }
        }
        Console.Error.WriteLine($"checked {pattern.Name}: {(ok ? "all variants correct" : "WRONG RESULTS, not timed")}");
        return ok;
    }

    private static Result[] Measure(Pattern pattern, Variant[] variants, int rounds, bool quick)
    {
        // Tiny operations are repeated within one sample so that a sample is long enough for the
        // Stopwatch and the scheduler noise; the figures are per operation all the same.
        var repeats = variants.Select(v => RepeatsFromWarmUp(v, quick)).ToArray();
        var bytes = variants.Select(BytesPerOp).ToArray();

        var samples = variants.Select(_ => new double[rounds]).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < variants.Length; k++)
            {
                int index = (round + k) % variants.Length;
                // So that one variant's garbage is not collected on the next one's clock.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var stopwatch = Stopwatch.StartNew();
                for (int rep = 0; rep < repeats[index]; rep++)
                {
                    variants[index].Run();
                }
                samples[index][round] = stopwatch.Elapsed.TotalMilliseconds / repeats[index];
            }
        }
        Console.Error.WriteLine($"timed {pattern.Name}: {rounds} rounds");

        return variants.Select((v, i) =>
        {
            var sorted = samples[i].Order().ToArray();
            double median = sorted.Length % 2 == 1
                ? sorted[sorted.Length / 2]
                : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            return new Result(v, median, sorted[0], sorted[^1], bytes[i]);
        }).ToArray();
    }

    // Warm-up long enough for tiered compilation to promote the hot code (it waits about 100 ms
    // after the last new tier-0 method before it does).
    private static int RepeatsFromWarmUp(Variant variant, bool quick)
    {
        int minRuns = quick ? 1 : 3;
        double minMs = quick ? 20 : 200;
        var total = Stopwatch.StartNew();
        double lastMs;
        int runs = 0;
        do
        {
            var one = Stopwatch.StartNew();
            variant.Run();
            lastMs = one.Elapsed.TotalMilliseconds;
            runs++;
        }
        while (runs < minRuns || (total.Elapsed.TotalMilliseconds < minMs && runs < 10_000));

        double targetSampleMs = quick ? 2 : 10;
        return (int)Math.Clamp(Math.Ceiling(targetSampleMs / Math.Max(lastMs, 1e-6)), 1, 1_000);
    }

    // Process-wide (workers allocate too), around single runs; the least of a few, so that a
    // background allocation (timer, thread-pool growth) is not charged to the variant.
    private static long BytesPerOp(Variant variant)
    {
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            variant.Run();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        return least;
    }

    private static void Print(Pattern pattern, Result[] results)
    {
        var inv = CultureInfo.InvariantCulture;
        int cores = Environment.ProcessorCount;
        bool perUnit = pattern.Unit is not null && pattern.UnitsPerOp > 0;
        bool timePerUnit = perUnit && pattern.TimePerUnit;

        Console.WriteLine();
        Console.WriteLine($"### {pattern.Name}" + (perUnit ? $" ({pattern.UnitsPerOp} {pattern.Unit}s per op)" : ""));
        Console.WriteLine();
        Console.WriteLine("| variant | kind | median ms | min ms | max ms | bytes/op"
            + (timePerUnit ? $" | ns/{pattern.Unit}" : "") + (perUnit ? $" | bytes/{pattern.Unit}" : "") + " |");
        Console.WriteLine("|---|---|---:|---:|---:|---:" + (timePerUnit ? "|---:" : "") + (perUnit ? "|---:" : "") + "|");
        foreach (var r in results)
        {
            string line = string.Format(inv, "| {0} | {1} | {2:0.000} | {3:0.000} | {4:0.000} | {5}", r.Variant.Name, r.Variant.Kind, r.MedianMs, r.MinMs, r.MaxMs, r.BytesPerOp);
            if (timePerUnit)
            {
                line += string.Format(inv, " | {0:0.0}", r.MedianMs * 1e6 / pattern.UnitsPerOp);
            }
            if (perUnit)
            {
                line += string.Format(inv, " | {0:0.0}", (double)r.BytesPerOp / pattern.UnitsPerOp);
            }
            Console.WriteLine(line + " |");
        }
        Console.WriteLine();

        // The peers are the parallel .NET alternatives; only where a pattern has none (the join
        // overhead) is the sequential reference the thing to compare with.
        var peers = results.Where(r => r.Variant.Kind == Kind.Peer).ToArray();
        var reference = peers.Length > 0 ? peers : results.Where(r => r.Variant.Kind == Kind.Baseline).ToArray();
        var best = reference.MinBy(r => r.MedianMs);
        foreach (var scope in results.Where(r => r.Variant.Kind == Kind.Scope))
        {
            if (best is null)
            {
                continue;
            }
            double ratio = scope.MedianMs / best.MedianMs;
            Console.WriteLine(string.Format(inv, "ratio {0} ÷ {1} ({2}) = {3:0.00}", scope.Variant.Name, best.Variant.Name, peers.Length > 0 ? "best peer" : "baseline", ratio));
            Console.WriteLine(string.Format(inv, "ratio,{0},{1},{2},{3},{4:0.000}", cores, Csv(pattern.Name), Csv(scope.Variant.Name), Csv(best.Variant.Name), ratio));
        }
        if (pattern.Unit == "join")
        {
            var join = results.FirstOrDefault(r => r.Variant.Kind == Kind.Scope);
            if (join is not null && join.BytesPerOp >= pattern.UnitsPerOp)
            {
                // Less than a byte per join is background noise; a real allocation is a delegate or a box per join.
                Console.WriteLine(string.Format(inv, "WARNING: an unstolen Scope.Join allocates {0:0.0} bytes per join; it should allocate nothing", (double)join.BytesPerOp / pattern.UnitsPerOp));
            }
        }
        foreach (var r in results)
        {
            Console.WriteLine(string.Format(inv, "csv,{0},{1},{2},{3:0.000},{4:0.000},{5:0.000},{6}", cores, Csv(pattern.Name), Csv(r.Variant.Name), r.MedianMs, r.MinMs, r.MaxMs, r.BytesPerOp));
        }
    }

    private static string Csv(string text) => text.Replace(',', ';');

    private static void PrintMachine(int rounds, bool quick)
    {
        Console.WriteLine("## Side-by-side runtime benchmarks");
        Console.WriteLine();
        Console.WriteLine($"- cores (Environment.ProcessorCount): {Environment.ProcessorCount}" +
            $" (DOTNET_PROCESSOR_COUNT={Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") ?? "unset"}, affinity mask 0x{Affinity()})");
        Console.WriteLine($"- CPU: {CpuModel()}");
        Console.WriteLine($"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.RuntimeIdentifier})");
        Console.WriteLine($"- runtime: {RuntimeInformation.FrameworkDescription}, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"- rounds: {rounds} (median; variants interleaved in rotated order){(quick ? ", quick sizes" : "")}");
        var delay = Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs");
        Console.WriteLine($"- tiering: DOTNET_TC_CallCountingDelayMs={delay ?? "unset"}");
        if (Environment.ProcessorCount == 1 && delay != "0")
        {
            // With one processor the runtime waits ten times longer (TC_DelaySingleProcMultiplier) for a pause in
            // tier-0 compilation before it counts calls; in a run this short hot methods then often stayed at tier 0
            // (an unstolen join 63 ns instead of 17). build/bench-cores.sh sets the delay to 0.
            Console.Error.WriteLine("warning: one processor and a tiering delay: hot code may stay at tier 0; set DOTNET_TC_CallCountingDelayMs=0 (build/bench-cores.sh does)");
        }
    }

    private static string Affinity()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return "?";
        }
        try
        {
            return ((long)Process.GetCurrentProcess().ProcessorAffinity).ToString("x", CultureInfo.InvariantCulture);
        }
        catch (PlatformNotSupportedException)
        {
            return "?";
        }
    }

    private static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
        {
            return "unknown";
        }
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
