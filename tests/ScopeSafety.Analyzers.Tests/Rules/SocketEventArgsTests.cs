using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A handler of <c>SocketAsyncEventArgs.Completed</c> (NetCoreServer's sessions, Akka's and Garnet's transports) runs on
/// an I/O thread when an operation started with <c>socket.ReceiveAsync(args)</c> (or Send, Accept, Connect) completes
/// later: beside the class's other members, and beside the handlers of the other args objects, but one completion at a
/// time per args object. Before the method that makes the args starts an operation with them, nothing is raised.
/// </summary>
public class SocketEventArgsTests
{
    private static string Session(string receivedLock, string readLock, string afterSubscribe = "") => ConcurrentAccessAnalyzerTests.Usings + $$"""
        using System.Net.Sockets;

        class Session
        {
            private readonly Socket _socket;
            private readonly object _gate = new object();
            private SocketAsyncEventArgs _receiveArgs;
            private long _received;

            public Session(Socket socket) => _socket = socket;

            public void Connect()
            {
                _receiveArgs = new SocketAsyncEventArgs();
                _receiveArgs.SetBuffer(new byte[4096], 0, 4096);
                _receiveArgs.Completed += {|#0:OnCompleted|};
                {{afterSubscribe}}
            }

            public void Receive()
            {
                if (!_socket.ReceiveAsync(_receiveArgs))
                {
                    Process(_receiveArgs);
                }
            }

            public long Received() { {{readLock}} { return _received; } }

            private void OnCompleted(object sender, SocketAsyncEventArgs e) => Process(e);

            private void Process(SocketAsyncEventArgs e)
            {
                {{receivedLock}}
                {
                    _received += e.BytesTransferred;
                }
            }
        }
        """;

    [Fact]
    public Task A_completion_handler_races_with_a_member_that_reads_what_it_writes() =>
        Verify.VerifyAnalyzerAsync(Session("", ""),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_received",
                "work started with SocketAsyncEventArgs.Completed at line 22 (in Session.OnCompleted)", "Session.Received at line 34", "read"));

    [Fact]
    public Task A_completion_handler_and_a_member_under_one_lock_do_not_race() =>
        Verify.VerifyAnalyzerAsync(Session("lock (_gate)", "lock (_gate)"));

    [Fact]
    public Task Args_made_in_the_method_and_not_started_there_raise_nothing_beside_it() =>
        Verify.VerifyAnalyzerAsync(Session("lock (_gate)", "lock (_gate)", "_received = 0;"));

    [Fact]
    public Task Args_started_after_the_subscription_raise_from_the_start_on() =>
        Verify.VerifyAnalyzerAsync(Session("lock (_gate)", "lock (_gate)", "_socket.ReceiveAsync(_receiveArgs); _received = 0;"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_received",
                "work started with SocketAsyncEventArgs.Completed at line 22 (in Session.OnCompleted)", "the method at line 23", "also write"));

    /// <summary>
    /// NetCoreServer's connect: the method makes the args, subscribes and starts the connect, and processes it itself
    /// when it completed at once (<c>if (!_socket.ConnectAsync(args)) Process(args);</c>): Completed is raised only for
    /// a connect still pending, so the handler runs beside what follows the <c>if</c>, not beside that branch.
    /// </summary>
    [Theory]
    [InlineData("", false)]
    [InlineData("_received = 0;", true)]
    public Task Processing_a_synchronous_completion_is_not_beside_the_handler(string after, bool races) =>
        Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + $$"""
            using System.Net.Sockets;

            class Client
            {
                private readonly Socket _socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                private long _received;

                public void Connect(System.Net.EndPoint endPoint)
                {
                    var args = new SocketAsyncEventArgs { RemoteEndPoint = endPoint };
                    args.Completed += {|#0:OnCompleted|};
                    if (!_socket.ConnectAsync(args))
                    {
                        Process(args);
                    }

                    {{after}}
                }

                private void OnCompleted(object sender, SocketAsyncEventArgs e) => Process(e);

                private void Process(SocketAsyncEventArgs e) => _received += e.BytesTransferred;
            }
            """,
            races
                ? new[] { Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_received", "work started with SocketAsyncEventArgs.Completed at line 17 (in Client.OnCompleted)", "the method at line 23", "also write") }
                : System.Array.Empty<ScopeSafety.Analyzers.Tests.Verifiers.DiagnosticResult>());
}
