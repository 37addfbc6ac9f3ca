using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 between an async method's code after an await (its continuation) and its caller's code after a call that
/// is not awaited at once. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class AsyncCallerTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_continuation_writing_a_static_races_with_the_caller_that_goes_on() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static int race;

            public static void Main()
            {
                ComputeAsync();
                race = 3;
            }

            static async void ComputeAsync()
            {
                race = 1;
                await Task.Delay(10);
                {|#0:race|} = 2;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Program.race", "ComputeAsync after its await at line 20", "Program.Main at line 14 (after it calls ComputeAsync at line 13)", "also write"));

    [Fact]
    public Task A_caller_going_on_beside_a_continuation_that_writes_two_statics_is_one_report() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static int first;
            static int second;

            public static void Main()
            {
                ComputeAsync();
                first = 3;
                second = 3;
            }

            static async void ComputeAsync()
            {
                await Task.Delay(10);
                {|#0:first|} = 2;
                second = 2;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Program.first", "ComputeAsync after its await at line 21", "Program.Main at line 15 (after it calls ComputeAsync at line 14)", "also write"));

    [Fact]
    public Task An_async_call_awaited_at_once_does_not_race_with_what_follows() => Verify.VerifyAnalyzerAsync(Usings + """
        class Program
        {
            static int race;

            public static async Task Main()
            {
                await ComputeAsync();
                race = 3;
            }

            static async Task ComputeAsync()
            {
                await Task.Delay(10);
                race = 2;
            }
        }
        """);

    // The project's own wait helper (Silverback's SafeWait: return when the task is done, else GetResult()) joins the
    // call where it is made, as .Wait() does; a .NET method handed the task (ContinueWith) waits for nothing.
    [Fact]
    public Task An_async_call_handed_at_once_to_the_project_s_wait_helper_does_not_race_with_what_follows() => Verify.VerifyAnalyzerAsync(Usings + """
        static class TaskWaits
        {
            public static T SafeWait<T>(this Task<T> task) => task.IsCompletedSuccessfully ? task.Result : task.GetAwaiter().GetResult();
        }

        class Stream
        {
            private bool _isFirst = true;
            private bool _isLast;

            public IEnumerable<int> Read()
            {
                while (WaitForNextAsync().SafeWait())
                {
                    if (_isFirst)
                    {
                        yield return 0;
                    }
                }
            }

            public void ReadLater()
            {
                WaitForLastAsync().ContinueWith(t => Console.WriteLine(t.Result));
                if (_isLast)
                {
                    Console.WriteLine("last");
                }
            }

            private async Task<bool> WaitForNextAsync()
            {
                await Task.Delay(10);
                _isFirst = false;
                return true;
            }

            private async Task<bool> WaitForLastAsync()
            {
                await Task.Delay(10);
                {|#0:_isLast|} = true;
                return true;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_isLast", "WaitForLastAsync after its await at line 46", "Stream.ReadLater at line 31 (after it calls WaitForLastAsync at line 30)", "read"));

    [Fact]
    public Task A_field_read_by_the_continuation_races_with_the_caller_s_write_before_it_awaits() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private string _source = "a";

            public async Task RunAsync()
            {
                var loading = LoadAsync();
                _source = "b";
                await loading;
            }

            private async Task LoadAsync()
            {
                await Task.Delay(10);
                Console.WriteLine({|#0:_source|});
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_source", "Loader.RunAsync at line 14 (after it calls LoadAsync at line 13)", "LoadAsync after its await at line 20", "read"));

    [Fact]
    public Task A_caller_writing_after_it_awaits_the_task_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private string _source = "a";

            public async Task RunAsync()
            {
                var loading = LoadAsync();
                await loading;
                _source = "b";
            }

            private async Task LoadAsync()
            {
                await Task.Delay(10);
                Console.WriteLine(_source);
            }
        }
        """);

    [Fact]
    public Task Code_before_the_first_await_runs_inside_the_call_and_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private string _source = "a";

            public async Task RunAsync()
            {
                var loading = LoadAsync();
                _source = "b";
                await loading;
            }

            private async Task LoadAsync()
            {
                Console.WriteLine(_source);
                await Task.Delay(10);
            }
        }
        """);

    [Fact]
    public Task With_a_UI_framework_a_continuation_comes_back_to_the_caller_s_thread() => Verify.VerifyAnalyzerAsync(Usings + """
        class Form
        {
            private string _status = "";

            public void OnClick()
            {
                _ = RefreshAsync();
                _status = "refreshing";
            }

            private async Task RefreshAsync()
            {
                await Task.Delay(10);
                _status = "done";
            }
        }

        namespace System.Windows.Forms
        {
            public class Control { }
        }
        """);

    [Fact]
    public Task With_a_UI_framework_ConfigureAwait_false_leaves_the_caller_s_thread() => Verify.VerifyAnalyzerAsync(Usings + """
        class Form
        {
            private string _status = "";

            public void OnClick()
            {
                _ = RefreshAsync();
                _status = "refreshing";
            }

            private async Task RefreshAsync()
            {
                await Task.Delay(10).ConfigureAwait(false);
                {|#0:_status|} = "done";
            }
        }

        namespace System.Windows.Forms
        {
            public class Control { }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_status", "RefreshAsync after its await at line 19", "Form.OnClick at line 14 (after it calls RefreshAsync at line 13)", "also write"));

    [Fact]
    public Task Two_async_calls_in_flight_at_once_race_on_what_their_continuations_write() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private int _loaded;

            public async Task RunAsync()
            {
                var users = LoadUsersAsync();
                var orders = LoadOrdersAsync();
                await Task.WhenAll(users, orders);
            }

            private async Task LoadUsersAsync()
            {
                await Task.Delay(10);
                {|#0:_loaded|}++;
            }

            private async Task LoadOrdersAsync()
            {
                await Task.Delay(10);
                _loaded++;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_loaded", "LoadUsersAsync after its await at line 20", "Loader.RunAsync at line 14 (in Loader.LoadOrdersAsync) (after it calls LoadUsersAsync at line 13)", "also write"));

    [Fact]
    public Task Two_async_calls_awaited_one_after_the_other_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private int _loaded;

            public async Task RunAsync()
            {
                await LoadUsersAsync();
                await LoadOrdersAsync();
            }

            private async Task LoadUsersAsync()
            {
                await Task.Delay(10);
                _loaded++;
            }

            private async Task LoadOrdersAsync()
            {
                await Task.Delay(10);
                _loaded++;
            }
        }
        """);

    [Fact]
    public Task Work_an_async_method_awaits_runs_beside_the_caller_that_does_not_await_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private static int count;

            public static async Task Main()
            {
                var bumping = BumpAsync();
                count = 0;
                await bumping;
            }

            private static async Task BumpAsync()
            {
                await Task.Run(() => {|#0:count|}++);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Counter.count", "work started with Task.Run at line 20", "Counter.Main at line 14 (after it calls BumpAsync at line 13)", "also write"));

    [Fact]
    public Task Work_an_async_method_awaits_does_not_race_with_a_caller_that_awaits_the_call() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            private static int count;

            public static async Task Main()
            {
                await BumpAsync();
                count = 0;
            }

            private static async Task BumpAsync()
            {
                await Task.Run(() => count++);
            }
        }
        """);

    // Npgsql's ReplicationConnection: calling an async iterator runs none of its code; its body runs step by step as the
    // caller enumerates it, so the caller's code after the call is not beside it. An async method called the same way is.
    [Fact]
    public Task An_async_iterator_runs_nothing_when_called_and_an_async_method_runs_to_its_first_await() => Verify.VerifyAnalyzerAsync(Usings + """
        class Replication
        {
            private IAsyncEnumerator<int> _current;
            private int _state;

            public IAsyncEnumerator<int> Start()
            {
                _current = Run();
                return _current;
            }

            private async IAsyncEnumerator<int> Run()
            {
                try
                {
                    await Task.Delay(10);
                    yield return 1;
                }
                finally
                {
                    _current = null;
                }
            }

            public Task Go()
            {
                var t = Work();
                _state = 2;
                return t;
            }

            private async Task Work()
            {
                await Task.Delay(10);
                {|#0:_state|} = 1;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_state", "Work after its await at line 40", "Replication.Go at line 34 (after it calls Work at line 33)", "also write"));
}
