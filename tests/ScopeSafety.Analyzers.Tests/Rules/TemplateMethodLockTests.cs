using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/SCOPE011 and the template method: a base class that calls a protected virtual method under its lock
/// (<c>lock (SyncRoot) { Write(e); }</c>, NLog's targets), so that a derived class's override runs under that lock,
/// several calls down and in another file; and a lock on a property (<c>protected object SyncRoot { get; } = new
/// object();</c>), which is the object behind it, taken by <c>lock</c> or by a try-enter. Each hazard beside its silent
/// twin. The locks of a method's callers hold up to its first await, not after it. The class starts at line 7 of the
/// first document; the base class is a second document.
/// </summary>
public class TemplateMethodLockTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // The base class, in a file of its own: Flush runs FlushCore under a try-enter of SyncRoot; Write runs WriteOne
    // under lock (SyncRoot), and WriteOne (itself not under a lock) runs WriteCore.
    private const string TargetBase = Usings + """
        abstract class TargetBase
        {
            protected object SyncRoot { get; } = new object();
            public void Flush()
            {
                if (Monitor.TryEnter(SyncRoot, 15000))
                {
                    try { FlushCore(); }
                    finally { Monitor.Exit(SyncRoot); }
                }
            }
            public void Write(string name)
            {
                lock (SyncRoot) { WriteOne(name); }
            }
            protected virtual void WriteOne(string name) => WriteCore(name);
            protected virtual void FlushCore() { }
            protected abstract void WriteCore(string name);
        }
        """;

    [Fact]
    public Task An_override_the_base_class_runs_under_its_lock_holds_that_lock() => new Verify.Test
    {
        TestCode = Usings + """
            class FileTarget : TargetBase
            {
                readonly Dictionary<string, int> _cache = new();
                Timer _timer;
                public void Start() => _timer = new Timer(Tick, null, 10, 10);
                protected override void FlushCore()
                {
                    foreach (var pair in _cache) Console.WriteLine(pair.Key);
                }
                protected override void WriteCore(string name) => Add(name);
                void Add(string name) => _cache[name] = 1;
                void Tick(object state)
                {
                    lock (SyncRoot) { _cache.Remove("old"); }
                }
            }
            """,
        TestSources = { TargetBase },
    }.RunAsync();

    [Fact]
    public Task An_override_that_some_call_runs_outside_the_lock_holds_nothing() => new Verify.Test
    {
        // Close runs the override without the lock.
        TestCode = Usings + """
            class FileTarget : TargetBase
            {
                readonly Dictionary<string, int> _cache = new();
                Timer _timer;
                public void Start() => _timer = new Timer({|#0:Tick|}, null, 10, 10);
                public void Close() => FlushCore();
                protected override void FlushCore()
                {
                    foreach (var pair in _cache) Console.WriteLine(pair.Key);
                }
                protected override void WriteCore(string name) { }
                void Tick(object state)
                {
                    lock (SyncRoot) { _cache.Remove("old"); }
                }
            }
            """,
        TestSources = { TargetBase },
        ExpectedDiagnostics =
        {
            Verify.Diagnostic("SCOPE011").WithLocation(0)
                .WithArguments("_cache", "Dictionary<string, int>", "work started with new Timer at line 11 (in FileTarget.Tick)", "FileTarget.Close at line 12 (in FileTarget.FlushCore)", "read"),
        },
    }.RunAsync();

    [Fact]
    public Task A_lock_on_a_property_is_the_object_behind_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Same
        {
            object Gate { get; } = new object();
            readonly object _other = new object();
            object Other => _other;
            int _count;
            Timer _timer;
            public void Start() => _timer = new Timer(Tick, null, 10, 10);
            public void Add()
            {
                if (Monitor.TryEnter(Gate, 100))
                {
                    try { _count++; }
                    finally { Monitor.Exit(Gate); }
                }
                lock (_other) { _count--; }
            }
            void Tick(object state)
            {
                lock (Gate) { lock (Other) { _count = 0; } }
            }
        }
        class Different
        {
            object Gate { get; } = new object();
            readonly object _other = new object();
            int _count;
            Timer _timer;
            public void Start() => _timer = new Timer({|#0:Tick|}, null, 10, 10);
            public void Add()
            {
                lock (_other) { _count++; }
            }
            void Tick(object state)
            {
                lock (Gate) { _count = 0; }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task The_locks_of_an_async_methods_callers_hold_only_up_to_its_first_await() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            readonly SemaphoreSlim _connect = new SemaphoreSlim(1, 1);
            bool _connected;
            Task _monitor, _watch;
            public void Connect()
            {
                _connect.Wait();
                try { Complete(); } finally { _connect.Release(); }
            }
            void Complete()
            {
                _connected = true;
                _monitor = Monitor();
                _watch = Watch();
            }
            async Task Watch()
            {
                if (!_connected) return;
                await Task.Delay(10);
            }
            async Task Monitor()
            {
                await Task.Delay(10);
                {|#0:_connected|} = false;
            }
        }
        class Before
        {
            readonly SemaphoreSlim _connect = new SemaphoreSlim(1, 1);
            bool _connected;
            Task _monitor, _watch;
            public void Connect()
            {
                _connect.Wait();
                try { Complete(); } finally { _connect.Release(); }
            }
            void Complete()
            {
                _connected = true;
                _monitor = Monitor();
                _watch = Watch();
            }
            async Task Watch()
            {
                if (!_connected) return;
                await Task.Delay(10);
            }
            async Task Monitor()
            {
                _connected = false;
                await Task.Delay(10);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0));
}
