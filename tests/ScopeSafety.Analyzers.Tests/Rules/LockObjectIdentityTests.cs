using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/SCOPE011 and which object a lock takes. <c>lock (this)</c> is the object the code runs on: work started on
/// an object created at each start (<c>new Thread(new Worker().Run)</c>) locks another object in every run, and
/// <c>lock (typeof(T))</c> is another object than any instance. A lock expression that makes its object (a boxed value,
/// a joined string) locks another object in every run. Each hazard beside its silent twin. The class starts at line 7.
/// </summary>
public class LockObjectIdentityTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task Lock_this_on_an_object_each_start_creates_excludes_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int count;
            void Work() { lock (this) { count++; } }
            static void M()
            {
                var a = new Thread({|#0:new C().Work|});
                var b = new Thread(new C().Work);
                a.Start(); b.Start();
                a.Join(); b.Join();
            }
        }
        class D
        {
            static int count;
            void Work() { lock (this) { count++; } }
            static void M()
            {
                for (int i = 0; i < 4; i++) new Thread({|#1:new D().Work|}).Start();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.count", "work started with new Thread at line 13 (in C.Work)", "work started with new Thread at line 14 (in C.Work)", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("D.count", "work started with new Thread at line 25 (in D.Work)", "another run of the same work", "also write"));

    [Fact]
    public Task Lock_this_on_one_object_or_on_the_type_excludes_the_runs() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int count, total;
            int own;
            void Work() { lock (this) { count++; } }
            void Other() { lock (typeof(C)) { total++; } }
            void Mine() { own++; }
            static void M()
            {
                var one = new C();
                var a = new Thread(one.Work);
                var b = new Thread(one.Work);
                a.Start(); b.Start();
                var c = new Thread(new C().Other);
                var d = new Thread(new C().Other);
                c.Start(); d.Start();
                var e = new Thread(new C().Mine);
                var f = new Thread(new C().Mine);
                e.Start(); f.Start();
            }
        }
        """);

    [Fact]
    public Task Lock_this_and_lock_typeof_are_two_objects() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int count;
            void Work() { lock (this) { count++; } }
            static void Reset() { lock (typeof(C)) { count = 0; } }
            void M()
            {
                var t = new Thread({|#0:Work|});
                t.Start();
                Reset();
                t.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.count", "work started with new Thread at line 14 (in C.Work)", "the method at line 16 (in C.Reset)", "also write"));

    [Fact]
    public Task A_boxed_value_or_a_joined_string_is_another_object_in_every_run() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int boxedCount, joinedCount;
            void M(int key, string name)
            {
                Parallel.For(0, 10, i => { lock ((object)key) {|#0:boxedCount|}++; });
                Parallel.For(0, 10, i => { lock (name + "/gate") {|#1:joinedCount|}++; });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("boxedCount", "work started with Parallel.For at line 12", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("joinedCount", "work started with Parallel.For at line 13", "another run of the same work", "also write"));

    [Fact]
    public Task A_value_boxed_once_or_a_constant_string_is_one_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            const string Prefix = "gate/";
            int boxedCount, literalCount, constantCount;
            void M(int key)
            {
                object boxed = key;
                Parallel.For(0, 10, i => { lock (boxed) boxedCount++; });
                Parallel.For(0, 10, i => { lock ("gate") literalCount++; });
                Parallel.For(0, 10, i => { lock (Prefix + "counts") constantCount++; });
            }
        }
        """);

    [Fact]
    public Task A_lock_field_each_instance_creates_is_another_object_on_another_instance() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int count;
            private readonly object _sync = new object();
            void Work() { lock (_sync) { count++; } }
            static void M()
            {
                var a = new Thread({|#0:new C().Work|});
                var b = new Thread(new C().Work);
                a.Start(); b.Start();
            }
        }
        class E
        {
            static int count;
            private object _sync;
            E() { _sync = new object(); }
            void Work() { lock (_sync) { count++; } }
            static void M()
            {
                var x = new E();
                var y = new E();
                Task.WaitAll(Task.Run(() => {|#1:x.Work()|}), Task.Run(() => y.Work()));
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.count", "work started with new Thread at line 14 (in C.Work)", "work started with new Thread at line 15 (in C.Work)", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("E.count", "work started with Task.Run at line 29 (in E.Work)", "work started with Task.Run at line 29 (in E.Work)", "also write"));

    [Fact]
    public Task A_lock_field_set_from_an_argument_or_a_static_may_be_one_object_for_all() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int count;
            private readonly object _sync;
            C(object gate) { _sync = gate; }
            void Work() { lock (_sync) { count++; } }
            static void M()
            {
                var gate = new object();
                var a = new Thread(new C(gate).Work);
                var b = new Thread(new C(gate).Work);
                a.Start(); b.Start();
                var x = new C(gate);
                var y = new C(gate);
                Task.WaitAll(Task.Run(() => x.Work()), Task.Run(() => y.Work()));
            }
        }
        class D
        {
            static readonly object s_gate = new object();
            static int count;
            private readonly object _sync = s_gate;
            void Work() { lock (_sync) { count++; } }
            static void M()
            {
                var x = new D();
                var y = new D();
                Task.WaitAll(Task.Run(() => x.Work()), Task.Run(() => y.Work()));
            }
        }
        """);
}
