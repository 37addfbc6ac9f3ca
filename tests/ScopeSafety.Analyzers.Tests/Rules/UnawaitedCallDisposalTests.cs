using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE003 for an asynchronous call that is not awaited where it is made: the disposable it was handed (its receiver,
/// an argument, or the token of a CancellationTokenSource) is disposed before anything waits for its task. Each hazard
/// sits beside its safe twin.
/// </summary>
public class UnawaitedCallDisposalTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task A_task_returned_from_inside_a_using_outlives_the_object_it_reads() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            Task FromStatement(Stream destination)
            {
                using (var source = File.OpenRead("a"))
                {
                    return {|#1:{|#0:source|}.CopyToAsync(destination)|};
                {|#2:}|}
            }

            Task FromDeclaration(Stream destination)
            {
                using var source = File.OpenRead("a");
                var copy = {|#4:{|#3:source|}.CopyToAsync(destination)|};
                return copy;
            {|#5:}|}

            async Task Awaited(Stream destination)
            {
                using var source = File.OpenRead("a");
                await source.CopyToAsync(destination);
            }

            async Task AwaitedLater(Stream destination)
            {
                using var source = File.OpenRead("a");
                var copy = source.CopyToAsync(destination).ConfigureAwait(false);
                Console.WriteLine("copying");
                await copy;
            }

            // A project's own shorthand for ConfigureAwait(false) awaits the task too.
            async Task AwaitedThroughAShorthand(Stream destination, bool first)
            {
                using var source = File.OpenRead("a");
                var copy = first ? source.CopyToAsync(destination) : source.FlushAsync();
                Console.WriteLine("copying");
                await copy.CfAwait();
            }

            Task ConditionalLeftRunning(Stream destination, bool first)
            {
                using var source = File.OpenRead("a");
                var copy = first ? {|#7:{|#6:source|}.CopyToAsync(destination)|} : {|#9:{|#8:source|}.FlushAsync()|};
                return copy;
            {|#10:}|}
        }

        static class TaskExtensions
        {
            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable CfAwait(this Task task) => task.ConfigureAwait(false);
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("source", "Stream.CopyToAsync"),
        Verify.Diagnostic("SCOPE003").WithLocation(3).WithLocation(4).WithLocation(5).WithArguments("source", "Stream.CopyToAsync"),
        Verify.Diagnostic("SCOPE003").WithLocation(6).WithLocation(7).WithLocation(10).WithArguments("source", "Stream.CopyToAsync"),
        Verify.Diagnostic("SCOPE003").WithLocation(8).WithLocation(9).WithLocation(10).WithArguments("source", "Stream.FlushAsync"));

    [Fact]
    public Task A_call_left_running_is_reported_for_each_object_it_was_handed_that_the_method_disposes() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void FireAndForget(Stream kept)
            {
                using var source = File.OpenRead("a");
                using var target = new MemoryStream();
                {|#1:{|#0:source|}.CopyToAsync({|#2:target|})|};
                _ = {|#4:kept.CopyToAsync({|#3:target|})|};
            {|#5:}|}

            void Waited(Stream kept)
            {
                using var source = File.OpenRead("a");
                using var target = new MemoryStream();
                source.CopyToAsync(target).Wait();
                var tasks = new List<Task> { kept.CopyToAsync(target) };
                Task.WaitAll(tasks.ToArray());
                source.CopyToAsync(target).ConfigureAwait(false).GetAwaiter().GetResult();
                target.WriteAsync(new ReadOnlyMemory<byte>(new byte[1])).AsTask().Wait();
                target.WriteAsync(new ReadOnlyMemory<byte>(new byte[1])).ConfigureAwait(false).GetAwaiter().GetResult();
            }

            void NotDisposedHere(Stream source)
            {
                var target = new MemoryStream();
                source.CopyToAsync(target);
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(5).WithArguments("source", "Stream.CopyToAsync"),
        Verify.Diagnostic("SCOPE003").WithLocation(2).WithLocation(1).WithLocation(5).WithArguments("target", "Stream.CopyToAsync"),
        Verify.Diagnostic("SCOPE003").WithLocation(3).WithLocation(4).WithLocation(5).WithArguments("target", "Stream.CopyToAsync"));

    [Fact]
    public Task A_token_whose_source_is_disposed_before_the_call_ends_is_reported() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            Task Timed(Func<CancellationToken, Task> work)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                return {|#1:Task.Delay(1000, {|#0:cts.Token|})|};
            {|#2:}|}

            Task Both()
            {
                using (var cts = new CancellationTokenSource())
                {
                    var a = {|#4:Task.Delay(1, {|#3:cts.Token|})|};
                    var b = {|#6:Task.Delay(1, {|#5:cts.Token|})|};
                    return Task.WhenAny(a, b);
                {|#7:}|}
            }

            async Task TimedAndAwaited()
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Task.Delay(1000, cts.Token);
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("cts", "Task.Delay"),
        Verify.Diagnostic("SCOPE003").WithLocation(3).WithLocation(4).WithLocation(7).WithArguments("cts", "Task.Delay"),
        Verify.Diagnostic("SCOPE003").WithLocation(5).WithLocation(6).WithLocation(7).WithArguments("cts", "Task.Delay"));

    // A timeout answered here: the code looks at which task finished first and chose what happens to the other (giving
    // up, or disposing the object to abort it). Returning Task.WhenAny's task answers nothing (above).
    [Fact]
    public Task A_call_raced_against_a_timeout_in_this_method_is_not_reported() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> ReadWithTimeout(Stream stream, byte[] buffer, CancellationToken token)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token);
                var read = stream.ReadAsync(buffer, 0, buffer.Length, linked.Token);
                if (await Task.WhenAny(read, Task.Delay(1000)) != read)
                {
                    throw new TimeoutException();
                }

                return await read;
            }
        }
        """);

    [Fact]
    public Task A_value_task_left_running_and_an_explicit_DisposeAsync_are_reported() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task Hazard(ReadOnlyMemory<byte> data)
            {
                var stream = new MemoryStream();
                var write = {|#1:{|#0:stream|}.WriteAsync(data)|};
                await {|#2:stream.DisposeAsync()|};
                await write;
            }

            async Task Safe(ReadOnlyMemory<byte> data)
            {
                var stream = new MemoryStream();
                var write = stream.WriteAsync(data);
                await write;
                await stream.DisposeAsync();
            }

            async Task DisposedThroughAnInterface(object job)
            {
                if (job is IAsyncDisposable disposable)
                {
                    var disposing = disposable.DisposeAsync();
                    await disposing;
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "MemoryStream.WriteAsync"));

    // A loop left only once the tasks have completed waits for them; one a break can leave does not. A disposal in a
    // catch clause is the failing method's clean-up: it aborts what still runs, on purpose.
    [Fact]
    public Task A_loop_polling_IsCompleted_waits_and_a_clean_up_in_a_catch_is_not_reported() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task Polled(Stream source, Stream target, CancellationToken token)
            {
                var session = new MemoryStream();
                try
                {
                    var read = session.CopyToAsync(source);
                    var write = session.CopyToAsync(target);
                    while (!read.IsCompleted || !write.IsCompleted)
                    {
                        await Task.Delay(100, token);
                    }

                    session.Dispose();
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
            }

            async Task PolledWithABreak(Stream target, CancellationToken token)
            {
                var session = new MemoryStream();
                var write = {|#1:{|#0:session|}.CopyToAsync(target)|};
                while (!write.IsCompleted)
                {
                    if (token.IsCancellationRequested) break;
                    await Task.Delay(100);
                }

                {|#2:session.Dispose()|};
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("session", "Stream.CopyToAsync"));

    // Disposing an object whose Dispose does nothing cannot pull anything from under the call (or the work).
    [Fact]
    public Task An_object_whose_Dispose_does_nothing_is_not_reported() => Verify.VerifyAnalyzerAsync(Usings + """
        sealed class NoOpHandler : IDisposable
        {
            public Task<int> ReadAsync() => Task.FromResult(0);
            public void Dispose() { }
        }

        class Handler : IDisposable
        {
            public Task<int> ReadAsync() => Task.FromResult(0);
            public virtual void Dispose() { }
        }

        class C
        {
            Task<int> NoOp()
            {
                using var handler = new NoOpHandler();
                _ = Task.Run(() => handler.ReadAsync());
                return handler.ReadAsync();
            }

            Task<int> Replaceable()
            {
                using var handler = new Handler();
                return {|#1:{|#0:handler|}.ReadAsync()|};
            {|#2:}|}
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("handler", "Handler.ReadAsync"));

    [Fact]
    public Task A_call_handed_a_value_read_from_the_object_is_not_handed_the_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            Task Log(Stream log)
            {
                using var source = File.OpenRead("a");
                return log.WriteAsync(new byte[source.Length], 0, (int)source.Length);
            }
        }
        """);

    [Fact]
    public Task A_variable_set_to_null_after_its_call_was_queued_disposes_nothing_the_call_uses() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> Pipelined(IEnumerable<int> sizes)
            {
                var pending = new Queue<(Stream Stream, Task Write)>();
                Stream? stream = null;
                var total = 0;
                try
                {
                    foreach (var size in sizes)
                    {
                        stream = new MemoryStream();
                        var write = stream.WriteAsync(new byte[size]).AsTask();
                        pending.Enqueue((stream, write));
                        stream = null;
                    }

                    while (pending.Count != 0)
                    {
                        var (queued, write) = pending.Dequeue();
                        await write;
                        queued.Dispose();
                        total++;
                    }
                }
                finally
                {
                    using (stream)
                    {
                    }
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task A_variable_set_to_null_only_after_its_disposal_still_disposes_what_the_call_uses() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task Write()
            {
                var stream = new MemoryStream();
                var write = {|#0:stream|}.WriteAsync(new byte[1]).AsTask();
                stream.Dispose();
                stream = null;
                await write;
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithArguments("stream", "MemoryStream.WriteAsync"));

    [Fact]
    public Task Calls_a_Select_starts_at_once_outlive_a_stream_disposed_before_their_tasks_are_awaited() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Linq;

        class C
        {
            Task Returned(Stream[] destinations)
            {
                using var source = File.OpenRead("a");
                return Task.WhenAll({|#1:destinations.Select(d => {|#0:source|}.FlushAsync())|});
            {|#2:}|}

            Task Copied(Stream[] destinations)
            {
                using var source = File.OpenRead("a");
                var tasks = {|#4:destinations.Select(d => {|#3:source|}.CopyToAsync(d))|}.ToArray();
                return Task.WhenAll(tasks);
            {|#5:}|}

            async Task Awaited(Stream[] destinations)
            {
                using var source = File.OpenRead("a");
                await Task.WhenAll(destinations.Select(d => source.CopyToAsync(d)));
            }

            void Waited(Stream[] destinations)
            {
                using (var source = File.OpenRead("a"))
                {
                    var tasks = destinations.Select(d => source.CopyToAsync(d)).ToArray();
                    Task.WaitAll(tasks);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("source", "Stream.FlushAsync"),
        Verify.Diagnostic("SCOPE003").WithLocation(3).WithLocation(4).WithLocation(5).WithArguments("source", "Stream.CopyToAsync"));
}
