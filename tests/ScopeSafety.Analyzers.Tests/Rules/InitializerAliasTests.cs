using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// An object handed to another through an object initializer (<c>new Box { Value = item }</c>) is the same object when
/// the work reaches it through the box (<c>box.Value.Count</c>, or <c>box.Get().Count</c> with <c>Get() =&gt; Value</c>),
/// as SharpDetect's <c>Test_DataRace_ReadValueThroughGenericField</c> and <c>…GenericReturn</c>: the write through one
/// name races with the read through the other. Only where nothing can store another object in the box afterwards: each
/// twin that lets the box go, stores the member again, or has the box's own code store it, stays silent.
/// </summary>
public class InitializerAliasTests
{
    private static string Source(string box, string run, string read) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Item
        {
            public int Count;
        }

        {{box}}

        class Program
        {
            public void Run()
            {
                var item = new Item();
                var box = new Box { Value = item };
                {{run}}
                var a = Task.Run(() => item.Count = 1);
                var b = Task.Run(() => Console.WriteLine({{read}}));
                Task.WaitAll(a, b);
            }

            static void Keep(Box box) { }
        }
        """;

    private const string FieldBox = "class Box { public Item Value; public Item Get() => Value; }";

    private static Verifiers.DiagnosticResult Race =>
        Verify.Diagnostic("SCOPE010").WithSpan(21, 32, 21, 42).WithArguments("item.Count", "work started with Task.Run at line 21", "work started with Task.Run at line 22", "read");

    [Fact]
    public Task A_read_through_the_field_the_initializer_set_races_with_the_write() =>
        Verify.VerifyAnalyzerAsync(Source(FieldBox, "", "box.Value.Count"), Race);

    [Fact]
    public Task A_read_through_a_method_that_returns_the_field_races_with_the_write() =>
        Verify.VerifyAnalyzerAsync(Source(FieldBox, "", "box.Get().Count"), Race);

    [Fact]
    public Task A_read_through_an_init_only_property_races_with_the_write() =>
        Verify.VerifyAnalyzerAsync(Source("class Box { public Item Value { get; init; } }", "Keep(box);", "box.Value.Count"), Race);

    [Fact]
    public Task A_box_whose_member_the_method_stores_again_may_hold_another_object() =>
        Verify.VerifyAnalyzerAsync(Source(FieldBox, "box.Value = new Item();", "box.Value.Count"));

    [Fact]
    public Task A_box_handed_to_other_code_may_hold_another_object() =>
        Verify.VerifyAnalyzerAsync(Source(FieldBox, "Keep(box);", "box.Value.Count"));

    [Fact]
    public Task A_box_whose_own_code_stores_the_member_may_hold_another_object() =>
        Verify.VerifyAnalyzerAsync(Source("class Box { public Item Value; public void Reset() => Value = new Item(); }", "box.Reset();", "box.Value.Count"));
}
