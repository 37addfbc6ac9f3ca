using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using ScopeSafety.Analyzers.Flow;

namespace ScopeSafety.Analyzers.Tests.Flow;

/// <summary>
/// Which tests of a bool are decided at a point (the call of Start()): those of a variable tested on the way there
/// that nothing assigns again, and none once it is assigned between or after, or tested in a way that does not decide.
/// </summary>
public class BranchGuardsTests
{
    private static int DecidedAtStart(string body)
    {
        var source = """
            class C
            {
                void M(bool on, int n)
                {
            BODY
                }

                static void Start() { }
                static void Stop() { }
            }
            """.Replace("BODY", body);
        var compilation = AnalyzerRun.Compile(source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First();
        var flow = new FlowIndex(ControlFlowGraph.Create((Microsoft.CodeAnalysis.Operations.IMethodBodyOperation)model.GetOperation(method)!));
        var start = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().First(i => i.ToString() == "Start()");
        var point = flow.PointOf(start, start.SpanStart)!.Value;
        return BranchGuards.At(flow, point).Count;
    }

    [Fact]
    public void A_parameter_tested_before_and_after_is_decided_at_both_tests() =>
        Assert.Equal(2, DecidedAtStart("""
                    if (on) Start();
                    n++;
                    if (on) Stop();
            """));

    [Fact]
    public void A_local_assigned_once_where_it_is_declared_is_decided() =>
        Assert.Equal(2, DecidedAtStart("""
                    var local = n > 1;
                    if (!local) return;
                    Start();
                    if (local) Stop();
            """));

    [Theory]
    [InlineData("on = on && n > 1; if (on) Start(); if (on) Stop();")]
    [InlineData("if (on) Start(); if (n > 3) on = false; if (on) Stop();")]
    [InlineData("if (on) Start(); System.Action a = () => on = false; if (on) Stop();")]
    [InlineData("for (var i = 0; i < n; i++) { var local = i > 1; if (local) Start(); if (local) Stop(); }")]
    [InlineData("if (on || n > 1) Start(); if (on) Stop();")]
    public void A_variable_assigned_again_or_not_deciding_the_way_is_not_decided(string body) =>
        Assert.Equal(0, DecidedAtStart(body));
}
