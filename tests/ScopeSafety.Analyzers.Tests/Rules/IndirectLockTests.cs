using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/SCOPE011 and locks the code does not take with a lock statement of its own: a local function runs under the
/// locks that every call of it holds; a split binary semaphore (one-permit semaphores whose permits add up to one, as in
/// the buffer of one slot) excludes like a lock from the wait for any of its semaphores to the release of any; a
/// <c>using</c> of the code's own disposable that enters a <c>Monitor</c> (or a reader-writer lock) and exits it when
/// disposed holds that lock for its block. Each hazard beside its silent twin. The class starts at line 7.
/// </summary>
public class IndirectLockTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_local_function_called_only_under_the_lock_holds_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batcher
        {
            readonly object _sync = new object();
            object _batch;
            Timer _timer;
            public void Start() => _timer = new Timer(Flush, null, 10, 10);
            void Flush(object state)
            {
                lock (_sync)
                {
                    var c = _batch;
                    if (c is null) { _batch = new object(); return; }
                    Emit();
                    void Emit() { _batch = null; Done(); }
                    void Done() { if (_batch != null) _batch = null; }
                }
            }
        }
        """);

    [Fact]
    public Task A_local_function_called_outside_the_lock_or_made_a_delegate_holds_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batcher
        {
            readonly object _sync = new object();
            object _batch;
            Timer _timer;
            public void Start() => _timer = new Timer({|#0:Flush|}, null, 10, 10);
            void Flush(object state)
            {
                lock (_sync)
                {
                    if (_batch is null) _batch = new object();
                }
                Emit();
                void Emit() { _batch = null; }
            }
        }
        class Later
        {
            readonly object _sync = new object();
            object _batch;
            Timer _timer;
            public void Start() => _timer = new Timer({|#1:Flush|}, null, 10, 10);
            void Flush(object state)
            {
                lock (_sync)
                {
                    if (_batch is null) _batch = new object();
                    ThreadPool.QueueUserWorkItem(_ => Emit());
                    void Emit() { _batch = null; }
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0),
        Verify.Diagnostic("SCOPE010").WithLocation(1));

    [Fact]
    public Task The_buffer_of_one_slot_hands_its_item_over_under_a_split_semaphore() => Verify.VerifyAnalyzerAsync(Usings + """
        class Slot
        {
            readonly SemaphoreSlim _empty = new SemaphoreSlim(1, 1);
            readonly SemaphoreSlim _full = new SemaphoreSlim(0, 1);
            int _item;
            bool _done;
            public void Put(int item) { _empty.Wait(); _item = item; _full.Release(); }
            public void Close() { _empty.Wait(); _done = true; _full.Release(); }
            public bool TryTake(out int item)
            {
                _full.Wait();
                item = _item;
                var done = _done;
                _empty.Release();
                return !done;
            }
            static void M()
            {
                var slot = new Slot();
                var producer = new Thread(() => { for (int i = 0; i < 10; i++) slot.Put(i); slot.Close(); });
                producer.Start();
                while (slot.TryTake(out var item)) Console.WriteLine(item);
                producer.Join();
            }
        }
        class AsyncSlot
        {
            private readonly SemaphoreSlim _writeLock = new(1, 1);
            private readonly SemaphoreSlim _readLock = new(0, 1);
            private string _item;
            public async Task PublishAsync(string item) { await _writeLock.WaitAsync(); _item = item; _readLock.Release(); }
            public async Task<string> ReceiveAsync() { await _readLock.WaitAsync(); var item = _item; _writeLock.Release(); return item; }
            static async Task M()
            {
                var slot = new AsyncSlot();
                var producer = Task.Run(() => slot.PublishAsync("a"));
                Console.WriteLine(await slot.ReceiveAsync());
                await producer;
            }
        }
        """);

    [Fact]
    public Task A_release_that_no_wait_comes_before_breaks_the_split_semaphore() => Verify.VerifyAnalyzerAsync(Usings + """
        class Slot
        {
            readonly SemaphoreSlim _empty = new SemaphoreSlim(1, 1);
            readonly SemaphoreSlim _full = new SemaphoreSlim(0, 1);
            int _item;
            public void Put(int item) { _empty.Wait(); _item = item; _full.Release(); }
            public void Kick() => _full.Release();
            public int Take() { _full.Wait(); var item = _item; _empty.Release(); return item; }
            static void M()
            {
                var slot = new Slot();
                var producer = new Thread(() => {|#0:slot.Put(1)|});
                producer.Start();
                slot.Kick();
                Console.WriteLine(slot.Take());
                producer.Join();
            }
        }
        class TwoPermits
        {
            readonly SemaphoreSlim _empty = new SemaphoreSlim(1, 1);
            readonly SemaphoreSlim _full = new SemaphoreSlim(1, 1);
            int _item;
            public void Put(int item) { _empty.Wait(); _item = item; _full.Release(); }
            public int Take() { _full.Wait(); var item = _item; _empty.Release(); return item; }
            static void M()
            {
                var slot = new TwoPermits();
                var producer = new Thread(() => {|#1:slot.Put(1)|});
                producer.Start();
                Console.WriteLine(slot.Take());
                producer.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("slot._item", "work started with new Thread at line 18 (in Slot.Put)", "the method at line 21 (in Slot.Take)", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("slot._item", "work started with new Thread at line 35 (in TwoPermits.Put)", "the method at line 37 (in TwoPermits.Take)", "read"));

    private const string Section = """
        struct Section : IDisposable
        {
            readonly object _sync;
            readonly bool _taken;
            Section(object sync, bool taken) { _sync = sync; _taken = taken; }
            public static Section Enter(object sync) { Monitor.Enter(sync); return new Section(sync, true); }
            public static Section Exit(object sync) { Monitor.Exit(sync); return new Section(sync, false); }
            public void Dispose() { if (_taken) Monitor.Exit(_sync); else Monitor.Enter(_sync); }
        }
        struct Pretend : IDisposable
        {
            public static Pretend Enter(object sync) => new Pretend();
            public void Dispose() { }
        }
        sealed class MonitorToken : IDisposable
        {
            readonly object _o;
            public MonitorToken(object o) { _o = o; Monitor.Enter(o); }
            public void Dispose() => Monitor.Exit(_o);
        }
        static class RwExtensions
        {
            sealed class ReadToken : IDisposable
            {
                ReaderWriterLockSlim _l;
                public ReadToken(ReaderWriterLockSlim l) { _l = l; l.EnterReadLock(); }
                public void Dispose() { _l?.ExitReadLock(); _l = null; }
            }
            sealed class WriteToken : IDisposable
            {
                ReaderWriterLockSlim _l;
                public WriteToken(ReaderWriterLockSlim l) { _l = l; l.EnterWriteLock(); }
                public void Dispose() { _l?.ExitWriteLock(); _l = null; }
            }
            public static IDisposable Read(this ReaderWriterLockSlim l) => new ReadToken(l);
            public static IDisposable Write(this ReaderWriterLockSlim l) { return new WriteToken(l); }
        }
        """;

    [Fact]
    public Task A_using_of_a_disposable_that_enters_a_monitor_holds_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runtime
        {
            readonly object _gate = new object();
            int _status;
            readonly List<int> _ops = new List<int>();
            public void Start() => Task.Run(() => { using (Section.Enter(_gate)) { _status++; _ops.Add(_status); } });
            public int Read()
            {
                using var held = Section.Enter(_gate);
                return _status + _ops.Count;
            }
        }
        class Created
        {
            readonly object _gate = new object();
            int _count;
            public void Start() => Task.Run(() => { using (new MonitorToken(_gate)) { _count++; } });
            public int Count() { using var token = new MonitorToken(_gate); return _count; }
        }
        class Merges
        {
            readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
            readonly List<int> _merges = new List<int>();
            int _count;
            public void Start() => Task.Run(() => { using (_lock.Write()) { _merges.Add(1); _count++; } });
            public int Count() { using (_lock.Read()) return _merges.Count + _count; }
        }
        """ + Section);

    [Fact]
    public Task A_disposable_that_enters_no_monitor_or_a_section_that_leaves_it_holds_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runtime
        {
            readonly object _gate = new object();
            int _status;
            public void Start() => Task.Run(() => { using (Section.Enter(_gate)) { {|#0:_status|}++; } });
            public int Read()
            {
                using (Section.Enter(_gate))
                {
                    using (Section.Exit(_gate)) { return _status; }
                }
            }
        }
        class Faked
        {
            readonly object _gate = new object();
            int _status;
            public void Start() => Task.Run(() => { using (Pretend.Enter(_gate)) { {|#1:_status|}++; } });
            public int Read() { using (Pretend.Enter(_gate)) return _status; }
        }
        class WrittenUnderRead
        {
            readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
            int _count;
            public void Start() => Task.Run(() => { using (_lock.Read()) { {|#2:_count|}++; } });
            public int Count() { using (_lock.Read()) return _count; }
        }
        """ + Section,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_status", "work started with Task.Run at line 11", "Runtime.Read at line 16", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_status", "work started with Task.Run at line 24", "Faked.Read at line 25", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("_count", "work started with Task.Run at line 31", "WrittenUnderRead.Count at line 32", "read"));
}
