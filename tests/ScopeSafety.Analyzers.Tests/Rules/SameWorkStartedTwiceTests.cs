using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A method that starts the same loop from two places (Technitium's listener task per UDP socket and per UDP proxy
/// socket, both running <c>ReadUdpRequestAsync</c>) races with a member through the same two lines from each: one
/// cause, reported once, at the first start. Two loops that are different code reading the field are two reports.
/// </summary>
public class SameWorkStartedTwiceTests
{
    private static string Source(string secondLoop) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Server
        {
            private string[] _acl = new string[0];

            public void Start(List<object> udp, List<object> tcp)
            {
                foreach (var socket in udp)
                {
                    _ = Task.Factory.StartNew(() => {|#0:ReadLoop(socket)|}, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
                }

                foreach (var socket in tcp)
                {
                    _ = Task.Factory.StartNew(() => {|#1:{{secondLoop}}(socket)|}, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
                }
            }

            public void Reload(string path) => _acl = System.IO.File.ReadAllLines(path);

            private void ReadLoop(object socket)
            {
                while (true)
                {
                    Console.WriteLine(_acl.Length);
                }
            }

            private void AcceptLoop(object socket)
            {
                while (true)
                {
                    Console.WriteLine(_acl.Length);
                }
            }
        }
        """;

    [Fact]
    public Task The_same_loop_started_twice_races_with_the_member_once() =>
        Verify.VerifyAnalyzerAsync(Source("ReadLoop"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_acl", "Server.Reload at line 24", "work started with Task.Factory.StartNew at line 15 (in Server.ReadLoop)", "read"));

    [Fact]
    public Task Two_different_loops_each_race_with_the_member() =>
        Verify.VerifyAnalyzerAsync(Source("AcceptLoop"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_acl", "Server.Reload at line 24", "work started with Task.Factory.StartNew at line 15 (in Server.ReadLoop)", "read"),
            Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_acl", "Server.Reload at line 24", "work started with Task.Factory.StartNew at line 20 (in Server.AcceptLoop)", "read"));
}
