using ScopeSafety.Analyzers.Tests.Infrastructure;
using static ScopeSafety.Analyzers.Tests.Rules.UnscopedCaptureAnalyzerLifetimeTests;
using static ScopeSafety.Analyzers.Tests.Rules.UnscopedCaptureAnalyzerSharingTests;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE001–SCOPE004 never throw while code is being typed: every token-end prefix of each source is analysed.</summary>
public class UnscopedCaptureAnalyzerIncompleteCodeTests
{
    public static TheoryData<string> Sources() =>
    [
        Program("""
            int count = 0;
            var gate = new object();
            var tasks = new List<Task>();
            for (int i = 0; i < 3; i++)
            {
                tasks.Add(Task.Run(() => { lock (gate) { count++; } }));
            }

            foreach (var t in tasks) t.Wait();
            Task.WaitAll(tasks.ToArray());
            Console.WriteLine(count);
        """),
        Program("""
            int limit = 1;
            var thread = new Thread(() => Console.WriteLine(limit));
            thread.Start();
            limit = 2;
            ThreadPool.QueueUserWorkItem(s => limit += s, 3, preferLocal: false);
            using var timer = new Timer(_ => limit++, null, 0, 10);
            void Work() => limit--;
            Task.Factory.StartNew(Work).ContinueWith(_ => limit++).Wait();
            thread.Join();
        """),
        Program("""
            Task task;
            using (var stream = new MemoryStream())
            {
                task = Task.Run(() => stream.WriteByte(1));
                if (stream.Length > 0) task.Wait();
            }

            var other = new MemoryStream();
            Pool.Enqueue(() => other.WriteByte(2));
            other.Dispose();
            (int a, int b) = (1, 2);
            _ = Task.Run(() => (a, b) = (b, a)).Result;
        """),
        Program("""
            int count = 0;
            Action work = () => count++;
            Action again;
            again = delegate { count--; };
            void Bump() => count++;
            Action bumped = Bump;
            WaitCallback queued = _ => count++;
            TimerCallback tick = _ => Console.WriteLine(count);
            var task = Task.Run(work);
            new Thread(new ThreadStart(again)).Start();
            ThreadPool.QueueUserWorkItem(queued);
            using var timer = new Timer(tick, null, 0, 10);
            Task.Run(bumped).Wait();
            work = static () => { };
            Console.WriteLine(count);
        """),
        Unsafe("""
            int local = 1;
            int* buffer = stackalloc int[4];
            var data = new int[4];
            fixed (int* pinned = data)
            {
                int* copy = pinned + 1;
                nint address = (nint)(&local);
                void* raw = Unsafe.AsPointer(ref local);
                Task.Run(() => { copy[0] = buffer[0]; Console.WriteLine(address + (nint)raw); }).Wait();
            }
        """),
        Usings + """
            class C
            {
                Task _field = Task.CompletedTask;

                async Task<int> M(string name, bool quick)
                {
                    await using var stream = new MemoryStream();
                    var task = Task.Run(() => name.Length + stream.Length);
                    if (quick) { _field = task; return 0; }
                    var result = await task.ConfigureAwait(false);
                    await Task.WhenAll(new[] { task, Task.Run(() => name.Length) });
                    Scope.Run(scope => scope.Spawn(() => Console.WriteLine(name)));
                    return result;
                }
            }
            """,
        Usings + """
            class D
            {
                static async Task<int> M(List<string> items, int[] ids)
                {
                    var n = 0;
                    items.ForEach(async s => { n++; await Task.Delay(1); n--; });
                    var tasks = ids.Select(id => Task.Run(() => Interlocked.Add(ref n, id))).ToArray();
                    var go = new TaskCompletionSource();
                    var waiting = Task.Run(async () => { await go.Task; n++; });
                    StringReader reader;
                    using (reader = new StringReader(""))
                    {
                        _ = reader.ReadLineAsync();
                    }

                    using var source = new MemoryStream();
                    var flushes = Task.WhenAll(ids.Select(id => source.FlushAsync()));

                    go.SetResult();
                    Task.WaitAll(tasks);
                    await waiting;
                    return n;
                }
            }
            """,
    ];

    [Theory]
    [MemberData(nameof(Sources))]
    public Task The_analyzer_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<UnscopedCaptureAnalyzer>(source);
}
