using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// The callback of a Begin method (the asynchronous programming model: <c>socket.BeginAccept(OnAccept, null)</c>,
/// <c>stream.BeginRead(…, OnRead, state)</c>) runs when the operation completes, on an I/O or pool thread, beside the code
/// that called Begin and beside the server's other methods (SMBLibrary's keep-alive flag, a server's client list). Its
/// races are reported as those of any unscoped work; a callback that restarts the operation as its last step runs one
/// completion at a time, and a delegate's own BeginInvoke is not such a callback.
/// </summary>
public class AsyncCallbackTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings + """
        using System.IO;
        using System.Net;
        using System.Net.Sockets;

        """;

    [Fact]
    public Task A_list_the_accept_callback_fills_races_with_a_method_that_reads_it() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Server
            {
                private readonly Socket _listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
                private readonly List<Socket> _clients = new List<Socket>();

                public void Start() => _listener.BeginAccept({|#0:OnAccept|}, null);

                public int Count() => _clients.Count;

                private void OnAccept(IAsyncResult result)
                {
                    var client = _listener.EndAccept(result);
                    _clients.Add(client);
                    _listener.BeginAccept(OnAccept, null);
                }
            }
            """,
            Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_clients", "List<Socket>",
                "work started with Socket.BeginAccept at line 15 (in Server.OnAccept)", "Server.Count at line 17", "read"));

    [Fact]
    public Task A_stop_flag_the_callback_reads_races_with_the_stop_that_clears_it() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Reader
            {
                private readonly Stream _stream;
                private readonly byte[] _buffer = new byte[4096];
                private bool _running;

                public Reader(Stream stream) => _stream = stream;

                public void Start()
                {
                    _running = true;
                    _stream.BeginRead(_buffer, 0, _buffer.Length, {|#0:OnRead|}, null);
                }

                public void Stop() => _running = false;

                private void OnRead(IAsyncResult result)
                {
                    var read = _stream.EndRead(result);
                    if (read > 0 && _running)
                    {
                        _stream.BeginRead(_buffer, 0, _buffer.Length, OnRead, null);
                    }
                }
            }
            """,
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_running", "Reader.Stop at line 24",
                "work started with Stream.BeginRead at line 21 (in Reader.OnRead)", "read"));

    [Fact]
    public Task A_callback_and_a_method_under_one_lock_do_not_race() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Server
            {
                private readonly Socket _listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
                private readonly List<Socket> _clients = new List<Socket>();
                private readonly object _gate = new object();

                public void Start() => _listener.BeginAccept(OnAccept, null);

                public int Count()
                {
                    lock (_gate)
                    {
                        return _clients.Count;
                    }
                }

                private void OnAccept(IAsyncResult result)
                {
                    var client = _listener.EndAccept(result);
                    lock (_gate)
                    {
                        _clients.Add(client);
                    }

                    _listener.BeginAccept(OnAccept, null);
                }
            }
            """);

    [Fact]
    public Task A_read_loop_that_restarts_as_its_last_step_runs_one_completion_at_a_time() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Reader
            {
                private readonly Stream _stream;
                private readonly byte[] _buffer = new byte[4096];
                private long _total;

                public Reader(Stream stream) => _stream = stream;

                public void Start() => _stream.BeginRead(_buffer, 0, _buffer.Length, OnRead, null);

                private void OnRead(IAsyncResult result)
                {
                    var read = _stream.EndRead(result);
                    _total += read;
                    if (read > 0)
                    {
                        _stream.BeginRead(_buffer, 0, _buffer.Length, OnRead, null);
                    }
                }
            }
            """);

    [Fact]
    public Task An_accept_callback_that_asks_for_the_next_client_first_runs_beside_the_next_one() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Server
            {
                private readonly Socket _listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
                private int _accepted;

                public void Start() => _listener.BeginAccept({|#0:OnAccept|}, null);

                private void OnAccept(IAsyncResult result)
                {
                    var client = _listener.EndAccept(result);
                    _listener.BeginAccept(OnAccept, null);
                    _accepted++;
                    client.Close();
                }
            }
            """,
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_accepted",
                "work started with Socket.BeginAccept at line 15 (in Server.OnAccept)", "another run of the same work", "also write"));

    /// <summary>
    /// NATS's reconnect loop: a loop that connects, then starts its own next run and goes on logging. What it wrote
    /// before the restart is done when the next run starts; only what it still touches after the restart overlaps, and
    /// a restart that ends a catch clause ends the run.
    /// </summary>
    [Theory]
    [InlineData("_connection = new object();", "Log();", false)]
    [InlineData("Log();", "_connection = new object();", true)]
    public Task A_loop_that_restarts_itself_midway_overlaps_the_next_run_only_in_what_follows_the_restart(string before, string after, bool races) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class Connection
            {
                private object _connection;
                private Task _loop;

                public void Open() => Task.Run({|#0:Reconnect|});

                private void Reconnect()
                {
                    try
                    {
                        {{before}}
                        _loop = Task.Run(Reconnect);
                        {{after}}
                    }
                    catch (Exception)
                    {
                        _loop = Task.Run(Reconnect);
                    }
                }

                private static void Log() => Console.WriteLine("connected");
            }
            """,
            races
                ? new[] { Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_connection", "work started with Task.Run at line 15 (in Connection.Reconnect)", "another run of the same work", "also write") }
                : System.Array.Empty<ScopeSafety.Analyzers.Tests.Verifiers.DiagnosticResult>());

    /// <summary>
    /// NetCoreServer's receive: BeginRead again while the last read completed synchronously, whose callback has then run
    /// inside the call. Without that test the loop starts a read beside the last one.
    /// </summary>
    [Theory]
    [InlineData("while (result.CompletedSynchronously)", false)]
    [InlineData("while (_open)", true)]
    public Task A_loop_that_reads_again_only_after_a_synchronous_completion_runs_one_callback_at_a_time(string loop, bool races) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class Session
            {
                private readonly Stream _stream;
                private readonly byte[] _buffer = new byte[4096];
                private long _received;
                private bool _open = true;

                public Session(Stream stream) => _stream = stream;

                public void Receive()
                {
                    IAsyncResult result;
                    do
                    {
                        if (!_open)
                        {
                            return;
                        }

                        result = _stream.BeginRead(_buffer, 0, _buffer.Length, {|#0:OnRead|}, null);
                    }
                    {{loop}};
                }

                private void OnRead(IAsyncResult result)
                {
                    _received += _stream.EndRead(result);
                    if (_received > 1 << 20)
                    {
                        _open = false;
                    }
                }
            }
            """,
            races
                ? new[]
                {
                    Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_open", "work started with Stream.BeginRead at line 29 (in Session.OnRead)", "another run of the same work", "also write"),
                    Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_received", "work started with Stream.BeginRead at line 29 (in Session.OnRead)", "another run of the same work", "also write"),
                }
                : System.Array.Empty<ScopeSafety.Analyzers.Tests.Verifiers.DiagnosticResult>());

    /// <summary>
    /// The completion idiom of the asynchronous programming model: the caller handles a synchronous completion itself
    /// and the callback, which the call also runs then, returns at once in that case (or works only when the result did
    /// not complete synchronously), so the handler runs once, on one side. Without the callback's test both run it.
    /// </summary>
    [Theory]
    [InlineData("if (result.CompletedSynchronously) { return; }", "Opened(result);", false)]
    [InlineData("if (result.CompletedSynchronously) return;", "Opened(result);", false)]
    [InlineData("", "if (!result.CompletedSynchronously) { Opened(result); }", false)]
    [InlineData("", "Opened(result);", true)]
    public Task The_caller_handling_a_synchronous_completion_and_a_callback_that_skips_it_take_turns(string guard, string handle, bool races) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            class Initiator
            {
                private readonly Stream _stream;
                private readonly byte[] _buffer = new byte[16];
                private int _stage;

                public Initiator(Stream stream) => _stream = stream;

                public void Start()
                {
                    IAsyncResult pending = _stream.BeginRead(_buffer, 0, _buffer.Length, {|#0:OnRead|}, null);
                    if (pending.CompletedSynchronously)
                    {
                        Opened(pending);
                    }
                }

                private void OnRead(IAsyncResult result)
                {
                    {{guard}}
                    {{handle}}
                }

                private void Opened(IAsyncResult result)
                {
                    _stream.EndRead(result);
                    ++_stage;
                }
            }
            """,
            races
                ? new[] { Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_stage", "work started with Stream.BeginRead at line 20 (in Initiator.OnRead)", "the method at line 23 (in Initiator.Opened)", "also write") }
                : System.Array.Empty<ScopeSafety.Analyzers.Tests.Verifiers.DiagnosticResult>());

    /// <summary>A connect with a timeout: the callback stores its outcome and sets an event the caller waits for.</summary>
    [Fact]
    public Task A_callback_that_signals_the_waiting_caller_hands_over_what_it_stored() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Connector
            {
                private readonly Socket _socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                private readonly ManualResetEvent _done = new ManualResetEvent(false);
                private Exception _error;

                public bool Connect(EndPoint endPoint)
                {
                    _socket.BeginConnect(endPoint, OnConnected, null);
                    _done.WaitOne();
                    return _error == null;
                }

                private void OnConnected(IAsyncResult result)
                {
                    try
                    {
                        _socket.EndConnect(result);
                    }
                    catch (SocketException e)
                    {
                        _error = e;
                    }

                    _done.Set();
                }
            }
            """);

    [Fact]
    public Task No_callback_starts_no_work() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Reader
            {
                private readonly Stream _stream = Stream.Null;
                private readonly byte[] _buffer = new byte[16];
                private int _reads;

                public int Read()
                {
                    var pending = _stream.BeginRead(_buffer, 0, _buffer.Length, null, null);
                    _reads++;
                    return _stream.EndRead(pending) + _reads;
                }
            }
            """);
}
