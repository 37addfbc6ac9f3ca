using ScopeSafety.Analyzers.Tests.Infrastructure;
using static ScopeSafety.Analyzers.Tests.Rules.ConcurrentAccessAnalyzerTests;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE010–SCOPE012 never throw while code is being typed: every token-end prefix of each source is analysed.</summary>
public class ConcurrentAccessAnalyzerIncompleteCodeTests
{
    public static TheoryData<string> Sources() =>
    [
        Program("""
            long counter = 0;
            var list = new List<int>();
            var gate = new object();
            Scope.Run(scope =>
            {
                var a = scope.Spawn(() => { lock (gate) counter++; list.Add(1); });
                for (int i = 0; i < 3; i++) scope.Spawn(() => Console.WriteLine(i + list.Count));
                a.Join();
            });
            Scope.Join(() => counter++, () => Interlocked.Increment(ref counter));
        """),
        Program("""
            long sum = 0;
            var map = new Dictionary<int, int>();
            Parallel.For(0, items.Length, () => 0L, (i, s, p) => p + items[i], p => Interlocked.Add(ref sum, p));
            Parallel.ForEach(items, x => { sum += x; map[x] = x; });
            Parallel.Invoke(() => sum++, () => sum--);
            items.AsParallel().ForAll(map.Remove);
            var t1 = new Thread(() => sum++);
            t1.Start();
            var timer = new System.Timers.Timer(5) { AutoReset = true };
            timer.Elapsed += (s, e) => sum++;
            Task.WaitAll(Task.Run(() => map.Clear()), Task.Run(() => sum--));
            t1.Join();
        """),
    ];

    [Theory]
    [MemberData(nameof(Sources))]
    public Task The_analyzer_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<ConcurrentAccessAnalyzer>(source);
}
