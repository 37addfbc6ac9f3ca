using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Spawns;

/// <summary>
/// A <c>ref</c> argument to a method of this compilation writes the caller's variable only if the callee writes through
/// the parameter; <c>in</c> and <c>ref readonly</c> arguments are reads; a method we cannot see (or that an override may
/// replace) is taken to write. Checked through every analyzer, on work that shares the variable.
/// </summary>
public class RefArgumentWritesTests
{
    private static string Program(string callee, string call) => $$"""
        using System;
        using System.Threading.Tasks;

        struct Rec { public int Word; }

        class C
        {
            {{callee}}

            static void M()
            {
                var rec = new Rec { Word = 1 };
                var tasks = new Task[4];
                for (var i = 0; i < tasks.Length; i++) tasks[i] = Task.Run(() => {{call}});
                Task.WaitAll(tasks);
            }
        }
        """;

    private static async Task<string[]> RacesOnRec(string callee, string call) =>
        (await ProgramRunner.AllAnalyzerDiagnosticsAsync(Program(callee, call)))
            .Where(d => d.GetMessage().StartsWith("'rec'"))
            .Select(d => d.Id)
            .ToArray();

    [Fact]
    public async Task A_ref_parameter_the_callee_writes_through_is_a_race()
    {
        Assert.NotEmpty(await RacesOnRec("static bool TrySet(ref Rec r) { r.Word = 2; return true; }", "TrySet(ref rec)"));
    }

    [Fact]
    public async Task A_ref_parameter_the_callee_only_reads_is_no_race()
    {
        Assert.Empty(await RacesOnRec("static bool TryAdd(ref Rec r) => r.Word != 0;", "TryAdd(ref rec)"));
    }

    [Theory]
    [InlineData("static void Bump(ref Rec r) => r.Word++;")]
    [InlineData("static void Reset(ref Rec r) { r = default; }")]
    [InlineData("static void Pass(ref Rec r) => Other(ref r); static void Other(ref Rec r) { }")]
    [InlineData("static void Alias(ref Rec r) { ref var a = ref r; a.Word = 3; }")]
    [InlineData("static void Call(ref Rec r) => r.ToString();")]
    public async Task Every_way_of_writing_through_the_parameter_counts(string callee)
    {
        var name = callee.Substring("static void ".Length, callee.IndexOf('(') - "static void ".Length);
        Assert.NotEmpty(await RacesOnRec(callee, name + "(ref rec)"));
    }

    [Fact]
    public async Task In_and_ref_readonly_arguments_are_reads()
    {
        Assert.Empty(await RacesOnRec("static bool Check(in Rec r) => r.Word != 0;", "Check(in rec)"));
        Assert.Empty(await RacesOnRec("static bool Look(ref readonly Rec r) => r.Word != 0;", "Look(ref rec)"));
    }

    [Fact]
    public async Task A_virtual_callee_may_be_overridden_by_one_that_writes()
    {
        var source = """
            using System.Threading.Tasks;

            struct Rec { public int Word; }

            class Reader { public virtual bool Read(ref Rec r) => r.Word != 0; }

            class C
            {
                static void M(Reader reader)
                {
                    var rec = new Rec { Word = 1 };
                    var a = Task.Run(() => reader.Read(ref rec));
                    var b = Task.Run(() => reader.Read(ref rec));
                    Task.WaitAll(a, b);
                }
            }
            """;
        Assert.Contains(await ProgramRunner.AllAnalyzerDiagnosticsAsync(source), d => d.GetMessage().StartsWith("'rec'"));
    }
}
