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
        Program("""
            var output = new System.Text.StringBuilder();
            var p = new System.Diagnostics.Process { EnableRaisingEvents = true };
            var ended = new TaskCompletionSource<bool>();
            var pending = new List<Task> { };
            p.OutputDataReceived += (s, e) => { if (e.Data == null) ended.TrySetResult(true); else output.AppendLine(e.Data); };
            p.ErrorDataReceived += (s, e) => output.AppendLine(e.Data);
            p.Exited += (s, e) => Console.WriteLine(p.ExitCode);
            pending.Add(ended.Task);
            p.Start();
            p.BeginOutputReadLine();
            Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(1)).Wait();
            p.WaitForExit(Timeout.Infinite);
            var w = new System.IO.FileSystemWatcher(".") { EnableRaisingEvents = false };
            w.Changed += (s, e) => output.Append(e.Name);
            w.EnableRaisingEvents = true;
            Console.CancelKeyPress += (s, e) => output.Clear();
            var bw = new System.ComponentModel.BackgroundWorker();
            bw.DoWork += (s, e) => output.Append(1);
            bw.RunWorkerAsync();
        """),
        Usings + """
            class Meter
            {
                private event Action<int> Measured;
                private static List<int> Seen { get; } = new List<int>();
                private int _last;

                public Meter() { Measured += v => _last = v; Measured += OnMeasured; }

                private void OnMeasured(int v) => Seen.Add(v);

                public async Task RunAsync()
                {
                    var a = LoadAsync();
                    var b = Task.Run(() => Measured?.Invoke(1));
                    await Task.WhenAll(a, b);
                }

                private async Task LoadAsync()
                {
                    await Task.Run(() => _last++);
                    Seen.Clear();
                }
            }
            """,
        Usings + """
            class Worker : IDisposable
            {
                private readonly List<int> _items = new List<int>();
                private bool _running = true;
                private Thread _thread;
                private Timer _timer;

                public Worker()
                {
                    _thread = new Thread(Loop);
                    _thread.Start();
                    _timer = new Timer(_ => _items.Clear(), null, 10, Timeout.Infinite);
                }

                public int Count => _items.Count;

                public void Add(int item) { lock (_items) _items.Add(item); }

                public void Stop() { _running = false; _thread.Join(); }

                void IDisposable.Dispose() { _timer.Dispose(); _items.Clear(); }

                private void Loop() { while (_running) _items.RemoveAll(x => x > 0); }
            }
            """,
        Usings + """
            [ThreadSafe]
            partial class Registry : IEnumerable<string>
            {
                private readonly object _gate = new object();
                private readonly List<string> _names = new List<string>();
                private static int s_made;
                private int _version;

                public Registry() => s_made++;

                public void Add(string name) { lock (_gate) { _names.Add(name); _version++; } }

                public int Version => _version;

                public bool Remove(string name) => _names.Remove(name) && ++_version > 0;

                public void Trim()
                {
                    var taken = false;
                    try
                    {
                        Monitor.TryEnter(_gate, 10, ref taken);
                        if (!taken) return;
                        if (Monitor.TryEnter(_names) && taken) { try { _names.Clear(); } finally { Monitor.Exit(_names); } }
                    }
                    finally { if (taken) Monitor.Exit(_gate); }
                }

                IEnumerator<string> IEnumerable<string>.GetEnumerator() => _names.GetEnumerator();

                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<string>)this).GetEnumerator();
            }
            """,
        Usings + """
            class Shapes
            {
                private volatile bool _done;
                private int _result;
                private SpinLock _spin = new(false);
                private readonly Dictionary<int, string> _cache = new();

                async Task<string> Fetch(int id) { await Task.Delay(id); _result++; return id.ToString(); }

                public async Task Run(int[] ids)
                {
                    var results = new List<int>();
                    void Add(int i) { results.Add(i); }
                    async Task Load(int i) { results.Add(-i); await Task.Delay(i); results.Add(i); }
                    var loading = Load(1);
                    await Task.WhenAll(Load(2), loading);
                    ThreadPool.QueueUserWorkItem(_ => { _result = 42; _done = true; });
                    while (!_done) Thread.Yield();
                    var t = new Thread(Bump);
                    t.Start();
                    Bump();
                    await Task.WhenAll(Fetch(1), Fetch(2));
                    var pending = ids.Select(async id => { var taken = false; try { _spin.Enter(ref taken); } finally { if (taken) _spin.Exit(); } _cache[id] = await Fetch(id); }).ToList();
                    await Task.WhenAll(ids.Select(i => Fetch(i)));
                    for (var i = 0; i < 3; i++) pending.Add(Fetch(i));
                    Parallel.For(0, 10, i => Add(i));
                    t.Join();
                }

                void Bump() => _result++;
            }
            """,
        Usings + """
            static class Helpers
            {
                public static int Flag;
                public static int Data;
                public static string Name;

                public static void RunConcurrently(params Action[] actions)
                {
                    var threads = actions.Select((action, i) => new Thread(() => action())).ToArray();
                    foreach (var thread in threads) thread.Start();
                    foreach (var thread in threads) thread.Join();
                }

                public static void OnThreads(int count, Action action)
                {
                    for (var i = 0; i < count; i++) Task.Run(action).Wait(1);
                    Parallel.For(0, count, _ => action());
                }

                public static void Use(bool[][] seen)
                {
                    RunConcurrently(() => { Data = 1; Interlocked.Exchange(ref Flag, 1); Interlocked.CompareExchange(ref Name, "up", null); },
                                    () => { while (Interlocked.CompareExchange(ref Flag, 0, 0) == 0) Thread.Yield(); _ = Data; },
                                    () => { WaitHandle.SignalAndWait(new AutoResetEvent(false), new AutoResetEvent(false)); seen[0][1] = true; });
                    OnThreads(2, () => Data++);
                }
            }
            """,
        Usings + """
            using System.Collections.Concurrent;
            using System.Threading.Channels;

            static class Handover
            {
                static int data;

                static async Task Use(List<string> items, int[] ids, List<int> list)
                {
                    var queue = new BlockingCollection<int>();
                    var channel = Channel.CreateUnbounded<int>();
                    var barrier = new Barrier(2);
                    var t = new Thread(() => { if (queue.TryTake(out var x, 10)) data = x; barrier.SignalAndWait(); });
                    t.Start();
                    queue.Add(1);
                    await channel.Writer.WriteAsync(2);
                    _ = Task.Run(async () => { await channel.Reader.ReadAsync(); data++; });
                    items.ForEach(async s => { await Task.Delay(1); data++; });
                    Parallel.For(0, 4, i => { var gate = new object(); lock (gate) list.Add(i); });
                    var tasks = ids.Select(id => Task.Run(() => data += id)).ToArray();
                    var all = Task.WhenAll(ids.Select(async id => { await Task.Delay(id); list.Add(id); }));
                    StreamReaderHolder.Read();
                    barrier.SignalAndWait();
                    Task.WaitAll(tasks);
                    await all;
                }
            }

            static class StreamReaderHolder
            {
                public static void Read()
                {
                    System.IO.StringReader reader;
                    using (reader = new System.IO.StringReader(""))
                    {
                        Task.Run(() => reader.ReadLine());
                    }
                }
            }
            """,
        Usings + """
            class Worker
            {
                static int count;
                int own;
                void Run() { lock (this) { count++; own++; } }
                [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
                void Step() => count--;
                static void Start(int key, string name)
                {
                    for (int i = 0; i < 2; i++) new Thread(new Worker().Run).Start();
                    new Thread(new Worker().Step).Start();
                    Parallel.For(0, 4, i => { lock ((object)key) count++; lock (name + "/" + i) count++; lock (typeof(Worker)) count++; });
                }
            }
            """,
        Usings + """
            class Slot
            {
                readonly SemaphoreSlim _empty = new SemaphoreSlim(1, 1);
                readonly SemaphoreSlim _full = new(0, 1);
                readonly object _sync = new object();
                int _item;
                public void Put(int item) { _empty.Wait(); _item = item; _full.Release(); }
                public int Take() { _full.Wait(); var item = _item; _empty.Release(); return item; }
                void Flush(object state)
                {
                    lock (_sync) { Emit(); Emit2(); void Emit() { _item = 0; Emit(); } }
                    void Emit2() => _item++;
                }
                static void M() { var s = new Slot(); new Thread(() => s.Put(1)).Start(); s.Take(); new Timer(s.Flush, null, 1, 1); }
                int Read() { using (Section.Enter(_sync)) { using (Section.Exit(_sync)) return _item; } }
            }

            class Worker(List<int> shared, object gate)
            {
                private readonly List<int> _items;
                public Worker(List<int> items) : this(items, new object()) { _items = items ?? throw new ArgumentNullException(nameof(items)); }
                public void Run() { lock (gate) shared.Add(1); _items.Add(2); }
                static void Start() { var l = new List<int>(); var a = new Worker(l); var b = new Worker(l, new object()); new Thread(a.Run).Start(); new Thread(b.Run).Start(); }
            }

            struct Section : IDisposable
            {
                readonly object _o;
                Section(object o) => _o = o;
                public static Section Enter(object o) { Monitor.Enter(o); return new Section(o); }
                public static Section Exit(object o) { Monitor.Exit(o); return new Section(o); }
                public void Dispose() => Monitor.Exit(_o);
            }
            """,
    ];

    [Theory]
    [MemberData(nameof(Sources))]
    public Task The_analyzer_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<ConcurrentAccessAnalyzer>(source);
}
