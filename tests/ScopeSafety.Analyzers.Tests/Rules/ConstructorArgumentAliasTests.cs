using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/SCOPE011 and state handed to worker objects through their constructor: a <c>readonly</c> field (or a get-only
/// auto-property, or a primary constructor's parameter) that the constructor stores from an argument is that argument,
/// so two workers made with one list or one counter share it, while a field each worker fills with its own object
/// (or a copy of the argument) stays its own. Each hazard beside its silent twin. The class starts at line 7.
/// </summary>
public class ConstructorArgumentAliasTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task Two_workers_made_with_one_list_or_one_counter_share_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private readonly List<int> _items;
            public Worker(List<int> items) { _items = items ?? throw new ArgumentNullException(nameof(items)); }
            public void Run() { _items.Add(1); }
        }
        class Counter { public int N; }
        class Adder(Counter counter)
        {
            public void Run() { counter.N++; }
        }
        class Reader
        {
            private Counter Counter { get; }
            public Reader(Counter counter) => Counter = counter;
            public void Run() { Console.WriteLine(Counter.N); }
        }
        static class Program
        {
            static void M()
            {
                var list = new List<int>();
                var first = new Worker(list);
                var second = new Worker(list);
                var a = new Thread({|#0:first.Run|});
                var b = new Thread(second.Run);
                a.Start(); b.Start(); a.Join(); b.Join();

                var counter = new Counter();
                var adder = new Adder(counter);
                var reader = new Reader(counter);
                var c = new Thread({|#1:adder.Run|});
                var d = new Thread(reader.Run);
                c.Start(); d.Start(); c.Join(); d.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with new Thread at line 31 (in Worker.Run)", "work started with new Thread at line 32 (in Worker.Run)", "also mutate"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("counter.N", "work started with new Thread at line 38 (in Adder.Run)", "work started with new Thread at line 39 (in Reader.Run)", "read"));

    [Fact]
    public Task Workers_with_objects_of_their_own_or_one_shared_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private readonly List<int> _own = new List<int>();
            private readonly List<int> _copy;
            public Worker(List<int> items) { _copy = new List<int>(items); }
            public void Run() { _own.Add(1); _copy.Add(1); }
        }
        class Counter { public int N; }
        class Locked(Counter counter, object gate)
        {
            public void Run() { lock (gate) counter.N++; }
        }
        static class Program
        {
            static void M()
            {
                var list = new List<int>();
                var first = new Worker(list);
                var second = new Worker(list);
                var a = new Thread(first.Run);
                var b = new Thread(second.Run);
                a.Start(); b.Start(); a.Join(); b.Join();

                var counter = new Counter();
                var gate = new object();
                var one = new Locked(counter, gate);
                var two = new Locked(counter, gate);
                var c = new Thread(one.Run);
                var d = new Thread(two.Run);
                c.Start(); d.Start(); c.Join(); d.Join();
            }
        }
        """);

    [Fact]
    public Task A_private_field_only_constructors_assign_holds_the_argument_too() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cell
        {
            int _contents;
            public void Write(int n) { lock (this) { _contents = n; } }
            public int Read() { lock (this) { } return _contents; }
        }
        class Producer
        {
            Cell cell;
            public Producer(Cell box) { cell = box; }
            public void Run() { for (int i = 0; i < 20; i++) cell.Write(i); }
        }
        class Consumer
        {
            Cell cell;
            public Consumer(Cell box) { cell = box; }
            public void Run() { for (int i = 0; i < 20; i++) cell.Read(); }
        }
        class Rebound
        {
            Cell cell;
            public Rebound(Cell box) { cell = box; }
            public void Reset() { cell = new Cell(); }
            public void Run() { cell.Read(); }
        }
        static class Program
        {
            static void M()
            {
                var cell = new Cell();
                var writer = new Producer(cell);
                var producer = new Thread({|#0:writer.Run|});
                var consumer = new Consumer(cell);
                var reader = new Thread(consumer.Run);
                producer.Start(); reader.Start(); producer.Join(); reader.Join();
                var other = new Rebound(cell);
                var late = new Thread(other.Run);
                var again = new Thread(new Producer(new Cell()).Run);
                late.Start(); again.Start(); late.Join(); again.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("cell._contents", "work started with new Thread at line 38 (in Producer.Run)", "work started with new Thread at line 40 (in Consumer.Run)", "read"));
}
