using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE011 asks whether the object is thread-safe, and a variable whose type is not may still only ever hold a
/// thread-safe instance (issue 21, F4): Random.Shared, a *.Synchronized wrapper or a concurrent collection, through
/// locals and readonly or never reassigned fields. A variable that is ever given another value stays reported.
/// </summary>
public class ThreadSafeOriginTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_static_readonly_field_holding_Random_Shared_used_by_two_tasks_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static readonly Random random = Random.Shared;

            void M()
            {
                var a = Task.Run(() => random.Next(6));
                var b = Task.Run(() => random.Next(6));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task A_private_field_holding_Random_Shared_but_reassigned_to_a_new_Random_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Random random = Random.Shared;

            void Reset() => random = new Random(42);

            void M()
            {
                var a = Task.Run(() => {|#0:random|}.Next(6));
                var b = Task.Run(() => random.Next(6));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_public_field_holding_Random_Shared_races_because_other_types_may_assign_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            public static Random Random = System.Random.Shared;

            void M()
            {
                var a = Task.Run(() => {|#0:Random|}.Next(6));
                var b = Task.Run(() => Random.Next(6));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_local_copied_from_Random_Shared_through_another_local_does_not_race() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Program("""
                var shared = Random.Shared;
                var random = shared;
                var rolls = new int[items.Length];
                Parallel.For(0, items.Length, i => rolls[i] = random.Next(6));
        """));

    [Fact]
    public Task A_local_initialised_from_Random_Shared_and_later_given_a_new_Random_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Program("""
                var random = Random.Shared;
                if (items.Length > 10) random = new Random(42);
                var rolls = new int[items.Length];
                Parallel.For(0, items.Length, i => rolls[i] = {|#0:random|}.Next(6));
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_Synchronized_wrapper_does_not_race_but_the_list_it_wraps_does() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Program("""
                var inner = new System.Collections.ArrayList();
                var list = System.Collections.ArrayList.Synchronized(inner);
                Parallel.For(0, items.Length, i => list.Add(i));
                Parallel.For(0, items.Length, i => {|#0:inner|}.Add(i));
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_Shared_property_or_Synchronized_method_of_the_users_own_code_promises_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Pool
        {
            public static List<int> Shared { get; } = new List<int>();
            public static List<int> Synchronized(List<int> list) => list;
        }

        class C
        {
            void M(int[] items)
            {
                var shared = Pool.Shared;
                var wrapped = Pool.Synchronized(new List<int>());
                Parallel.For(0, items.Length, i => {|#0:shared|}.Add(i));
                Parallel.For(0, items.Length, i => {|#1:wrapped|}.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0),
        Verify.Diagnostic("SCOPE011").WithLocation(1));

    [Fact]
    public Task A_concurrent_dictionary_behind_a_listed_interface_does_not_race_but_a_dictionary_does() => new Verify.Test
    {
        TestCode = ConcurrentAccessAnalyzerTests.Program("""
                IDictionary<int, int> safe = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
                IDictionary<int, int> plain = new Dictionary<int, int>();
                Parallel.For(0, items.Length, i => safe[i] = i);
                Parallel.For(0, items.Length, i => {|#0:plain|}[i] = i);
        """),
        EditorConfig = "root = true\n[*.cs]\nscopesafety.not_thread_safe_types = System.Collections.Generic.IDictionary`2\n",
        ExpectedDiagnostics = { Verify.Diagnostic("SCOPE011").WithLocation(0) },
    }.RunAsync();

    [Fact]
    public Task A_get_only_auto_property_holding_Random_Shared_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Random Dice { get; } = Random.Shared;

            void M()
            {
                var a = Task.Run(() => Dice.Next(6));
                var b = Task.Run(() => Dice.Next(6));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task A_get_only_auto_property_holding_a_new_Random_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static Random Dice { get; } = new Random();

            void M()
            {
                var a = Task.Run(() => {|#0:Dice|}.Next(6));
                var b = Task.Run(() => Dice.Next(6));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_publicly_settable_auto_property_holding_Random_Shared_races_because_others_may_set_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            public static Random Dice { get; set; } = Random.Shared;

            void M()
            {
                var a = Task.Run(() => {|#0:Dice|}.Next(6));
                var b = Task.Run(() => Dice.Next(6));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0));
}
