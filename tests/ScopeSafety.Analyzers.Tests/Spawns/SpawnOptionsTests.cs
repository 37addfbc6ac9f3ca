using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.Analyzers.Tests.Spawns;

/// <summary>Parsing of scopesafety.unscoped_methods / scopesafety.structured_methods.</summary>
public class SpawnOptionsTests
{
    [Fact]
    public void Ids_are_separated_by_commas_or_bars_outside_parameter_lists()
    {
        var ids = SpawnOptions.ParseList(" M:A.B(System.Action,System.Int32) , M:C.D | M:E.F``1(``0,System.Action{``0}) ");
        Assert.Equal(
            new[] { "M:A.B(System.Action,System.Int32)", "M:C.D", "M:E.F``1(``0,System.Action{``0})" }.Order(),
            ids.Order());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" , | ")]
    public void Empty_values_list_nothing(string? value) => Assert.Empty(SpawnOptions.ParseList(value));

    [Fact]
    public void An_id_without_its_M_prefix_is_accepted() =>
        Assert.Equal("M:MyLib.Pool.Enqueue", Assert.Single(SpawnOptions.ParseList("MyLib.Pool.Enqueue")));

    [Theory]
    [InlineData("M:MyLib.Pool.Enqueue(System.Action)", "M:MyLib.Pool.Enqueue")]
    [InlineData("M:MyLib.Pool.Enqueue``1(System.Action{``0})", "M:MyLib.Pool.Enqueue")]
    [InlineData("M:MyLib.Worker.#ctor(System.Action)", "M:MyLib.Worker.#ctor")]
    [InlineData("M:MyLib.Pool.Enqueue", "M:MyLib.Pool.Enqueue")]
    public void An_id_without_parameters_stands_for_every_overload(string id, string prefix) =>
        Assert.Equal(prefix, SpawnOptions.StripParameters(id));

    [Fact]
    public void A_listed_constructor_matches_object_creation()
    {
        var compilation = AnalyzerRun.Compile("""
            public class Worker { public Worker(System.Action work) { } }
            """);
        var constructor = compilation.GetTypeByMetadataName("Worker")!.InstanceConstructors.Single();
        Assert.True(SpawnOptions.Cache.ForTests("M:Worker.#ctor", null).Classify(constructor));
        Assert.False(SpawnOptions.Cache.ForTests(null, "M:Worker.#ctor(System.Action)").Classify(constructor));
        Assert.Null(SpawnOptions.Empty.Classify(constructor));
    }

    [Theory]
    [InlineData("M:MyLib.Worker..ctor(System.Action)", "M:MyLib.Worker.#ctor(System.Action)")]
    [InlineData("MyLib.Worker..ctor", "M:MyLib.Worker.#ctor")]
    [InlineData("MyLib.Worker.Worker(System.Action)", "M:MyLib.Worker.#ctor(System.Action)")]
    [InlineData("M:Worker.Worker", "M:Worker.#ctor")]
    [InlineData("M:MyLib.Box`1.Box(System.Action)", "M:MyLib.Box`1.#ctor(System.Action)")]
    [InlineData("M:MyLib.Worker.#ctor(System.Action)", "M:MyLib.Worker.#ctor(System.Action)")]
    [InlineData("M:MyLib.Pool.Enqueue(System.Action)", "M:MyLib.Pool.Enqueue(System.Action)")]
    [InlineData("M:MyLib.Worker.Workers", "M:MyLib.Worker.Workers")]
    [InlineData("T:MyLib.Worker", "T:MyLib.Worker")]
    public void Constructors_may_be_written_without_the_hash_the_config_parsers_cut_at(string item, string id) =>
        Assert.Equal(id, SpawnOptions.Normalize(item));

    [Theory]
    [InlineData("M:")]
    [InlineData("M:.")]
    [InlineData("..ctor")]
    [InlineData(".Worker.Worker")]
    [InlineData("M:A.``")]
    [InlineData("M:MyLib.Pool.Enqueue``99999999999")]
    [InlineData("(((")]
    [InlineData("M:MyLib.Pool.Enqueue(,)")]
    [InlineData("M:MyLib.Pool.Enqueue())")]
    [InlineData("M:MyLib.#ctor.Enqueue")]
    [InlineData("M:MyLib.Pool.Enqueue(System.Action)~System.Int32")]
    public void Odd_items_get_a_problem_and_never_an_exception(string item)
    {
        var compilation = AnalyzerRun.Compile("""
            namespace MyLib { public static class Pool { public static void Enqueue(System.Action work) { } } }
            """);

        Assert.NotNull(SpawnOptionsCheck.Problem(item, compilation));
    }
}
