using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.Analyzers.Tests.Spawns;

/// <summary>The shared spawn-site classification: which delegate arguments run on another thread, and how.</summary>
public class SpawnClassifierTests
{
    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        static class Pool
        {
            public static Task Enqueue([UnscopedWork] Action work, Action notMarked) => Task.CompletedTask;
            public static void Fork([StructuredWork] Action work) => work();
            public static void Post(Action work) { }
            public static void Post(Action work, int priority) { }
            public static void Plain(Action work) => work();
        }

        class C
        {
            void Work() { }
            void Work(object? state) { }

            void M(int[] data)
            {
                S1: Task.Run(() => { });
                S2: Task.Run(() => 1);
                S3: Task.Factory.StartNew(() => { });
                S4: new TaskFactory().StartNew(() => { });
                S5: new TaskFactory<int>().StartNew(() => 1);
                S6: Task.CompletedTask.ContinueWith(_ => { });
                S7: Task.FromResult(1).ContinueWith(t => t.Result);
                S8: ThreadPool.QueueUserWorkItem(Work);
                S9: ThreadPool.QueueUserWorkItem(s => { }, 1, preferLocal: true);
                S10: ThreadPool.UnsafeQueueUserWorkItem(Work, null);
                S11: new Thread(() => Work());
                S12: new Thread(delegate (object? o) { });
                S13: new Timer(Work, null, 0, 100);
                S14: Parallel.For(0, 1, i => { });
                S15: Parallel.ForEach(data, x => { });
                S16: Parallel.Invoke(() => { }, () => { });
                S17: data.AsParallel().ForAll(x => { });
                S18: Scope.Run(scope => { scope.Spawn(() => { }); scope.Go(() => { }); });
                S19: Scope.Join(() => { }, () => { });
                S20: Pool.Enqueue(() => { }, () => { });
                S21: Pool.Fork(() => { });
                S22: Pool.Post(() => { }, 1);
                S23: Pool.Plain(() => { });
                S24: Task.Delay(1);
                S25: new Timer(Work, null, 0, Timeout.Infinite);
                S26: new Timer(Work, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
        """;

    public static TheoryData<string, string> Expectations() => new()
    {
        { "S1", "Unscoped Task.Run Task" },
        { "S2", "Unscoped Task.Run Task" },
        { "S3", "Unscoped Task.Factory.StartNew Task" },
        { "S4", "Unscoped TaskFactory.StartNew Task" },
        { "S5", "Unscoped TaskFactory.StartNew Task" },
        { "S6", "Unscoped Task.ContinueWith Task" },
        { "S7", "Unscoped Task.ContinueWith Task" },
        { "S8", "Unscoped ThreadPool.QueueUserWorkItem None" },
        { "S9", "Unscoped ThreadPool.QueueUserWorkItem None" },
        { "S10", "Unscoped ThreadPool.UnsafeQueueUserWorkItem None" },
        { "S11", "Unscoped new Thread Thread" },
        { "S12", "Unscoped new Thread Thread" },
        { "S13", "Unscoped new Timer None overlaps" },
        { "S14", "Structured Parallel.For None" },
        { "S15", "Structured Parallel.ForEach None" },
        { "S16", "Structured Parallel.Invoke None | Structured Parallel.Invoke None" },
        { "S17", "Structured ForAll None" },
        { "S18", "ScopeBody Scope.Run None" },
        { "S19", "Structured Scope.Join None | Structured Scope.Join None" },
        { "S20", "Unscoped Pool.Enqueue Task" },
        { "S21", "Structured Pool.Fork None" },
        { "S22", "Unscoped Pool.Post None" },
        { "S23", "" },
        { "S24", "" },
        { "S25", "Unscoped new Timer None" },
        { "S26", "Unscoped new Timer None" },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Each_api_is_classified_by_symbol(string label, string expected)
    {
        var options = SpawnOptions.Cache.ForTests("M:Pool.Post", null);
        Assert.Equal(expected, Describe(label, options));
    }

    [Fact]
    public void The_structured_methods_key_overrides_nothing_else_and_lists_a_method_as_structured()
    {
        Assert.Equal("Structured Pool.Plain None", Describe("S23", SpawnOptions.Cache.ForTests(null, "M:Pool.Plain(System.Action)")));
        Assert.Equal("", Describe("S22", SpawnOptions.Cache.ForTests("M:Pool.Post(System.Action)", null)));
    }

    [Theory]
    [InlineData("scope.Spawn", "Scope.Spawn")]
    [InlineData("scope.Go", "Scope.Go")]
    public void A_scope_spawn_inside_a_scope_body_is_structured_and_has_no_handle_to_track(string call, string api)
    {
        var compilation = AnalyzerRun.Compile(Source);
        var symbols = KnownSymbols.Get(compilation);
        var classifier = new SpawnClassifier(symbols);
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var spawn = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().Single(i => i.ToString().StartsWith(call + "(", StringComparison.Ordinal));
        var operation = (Microsoft.CodeAnalysis.Operations.IInvocationOperation)model.GetOperation(spawn)!;
        var site = Assert.Single(classifier.Classify(operation, SpawnOptions.Empty));
        Assert.Equal((SpawnKind.Structured, api, HandleKind.None), (site.Kind, site.Api, site.Handle));
        Assert.True(symbols.Runtime.IsSpawn(operation.TargetMethod));
    }

    [Theory]
    [InlineData("Action work = () => Console.WriteLine(1);", "() => Console.WriteLine(1)")]
    [InlineData("Action work; work = delegate { };", "delegate { }")]
    [InlineData("void Bump() { } Action work = Bump;", "Bump")]
    [InlineData("var work = (Action)(() => { });", "(Action)(() => { })")]
    [InlineData("Action work = () => { }; work = () => { };", null)]
    [InlineData("Action? work = null; work = () => { };", null)]
    [InlineData("Action work = () => { }; work += () => { };", null)]
    [InlineData("Action work = () => { }; Replace(ref work); static void Replace(ref Action a) => a = () => { };", null)]
    [InlineData("Action work = () => { }; Inspect(ref work); static void Inspect(ref Action a) { }", "() => { }")]
    [InlineData("Make(out var work); static void Make(out Action a) => a = () => { };", null)]
    [InlineData("Action work = parameter;", null)]
    [InlineData("Action work = () => { }; Action later = () => work = () => { };", null)]
    public void A_delegate_local_stands_for_the_one_delegate_assigned_to_it(string declaration, string? expected)
    {
        var compilation = AnalyzerRun.Compile("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                void M(Action parameter)
                {
                    DECLARATION
                    Task.Run(work);
                }
            }
            """.Replace("DECLARATION", declaration));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var classifier = new SpawnClassifier(KnownSymbols.Get(compilation));
        var tree = compilation.SyntaxTrees[0];
        var spawn = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().Single(i => i.ToString() == "Task.Run(work)");
        var sites = classifier.Classify(compilation.GetSemanticModel(tree).GetOperation(spawn)!, SpawnOptions.Empty);
        if (expected == null)
        {
            Assert.Empty(sites);
        }
        else
        {
            var site = Assert.Single(sites);
            Assert.Equal(expected, site.Delegate.Syntax.ToString());
            Assert.Same(spawn, site.Operation.Syntax);
        }
    }

    [Fact]
    public void Without_the_ScopeSafety_runtime_the_attributes_and_Scope_are_simply_absent()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("NoRuntime", references: Infrastructure.TestReferences.Get(referenceScopeSafety: false));
        var symbols = KnownSymbols.Get(compilation);
        Assert.Null(symbols.Runtime.Scope);
        Assert.Null(symbols.Runtime.UnscopedWorkAttribute);
        Assert.NotNull(symbols.Tasks.Task);
        Assert.True(symbols.HasAnyThreadApi);
    }

    private static string Describe(string label, SpawnOptions options)
    {
        var compilation = AnalyzerRun.Compile(Source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var classifier = new SpawnClassifier(KnownSymbols.Get(compilation));
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var statement = tree.GetRoot().DescendantNodes().OfType<LabeledStatementSyntax>().Single(l => l.Identifier.Text == label);
        var expression = ((ExpressionStatementSyntax)statement.Statement).Expression;
        var sites = classifier.Classify(model.GetOperation(expression)!, options);
        return string.Join(" | ", sites.Select(s => $"{s.Kind} {s.Api} {s.Handle}{(s.MayOverlapItself ? " overlaps" : "")}"));
    }
}
