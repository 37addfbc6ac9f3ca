using ScopeSafety;

// A tour of the hazards ScopeSafety catches. Each method below hands a lambda to an API that runs it
// on another thread and does not wait for it, while the lambda uses the method's own state.
// build/demo.sh builds this app (it fails with SCOPE errors), fixes it with `dotnet format analyzers`,
// and rebuilds and runs it.

int[] numbers = Enumerable.Range(0, 5000).ToArray();
Console.WriteLine($"Sum is {ChunkedSum(numbers)}");
SquaresOnTheStack();
CountEvens();
var report = Path.Combine(Path.GetTempPath(), $"hazard-tour-{Environment.ProcessId}.txt");
WriteReport(report);
Console.WriteLine($"Report says: {File.ReadAllText(report).Trim()}");
File.Delete(report);
Greet("scoped world");

// Already safe: every work item borrows the caller's array and is joined before Run returns.
static long ChunkedSum(int[] numbers) => Scope.Run(scope =>
{
    var parts = new List<ScopedTask<long>>();
    foreach (var chunk in numbers.Chunk(625))
        parts.Add(scope.Spawn(() => chunk.Sum(x => (long)x)));
    return parts.Sum(part => part.Join());
});

// A pointer into this frame's stack memory, used by work that may run after the frame is gone.
static unsafe void SquaresOnTheStack()
{
    int* squares = stackalloc int[8];
    for (var i = 0; i < 8; i++)
        squares[i] = i * i;
    Task.Run(() => Console.WriteLine($"Squares on the stack sum to {Sum(squares, 8)}"));
}

static unsafe int Sum(int* values, int count)
{
    var total = 0;
    for (var i = 0; i < count; i++)
        total += values[i];
    return total;
}

// A counter incremented by thread-pool work while the method goes on to read it.
static void CountEvens()
{
    var evens = 0;
    ThreadPool.QueueUserWorkItem(_ =>
    {
        for (var number = 0; number < 5000; number++)
        {
            if (number % 2 == 0)
                evens++;
        }
    });
    Console.WriteLine($"{evens} of 5000 numbers are even");
}

// A writer disposed at the end of the method while a thread may still write to it.
static void WriteReport(string path)
{
    using var writer = new StreamWriter(path);
    var thread = new Thread(() => writer.WriteLine("all hazards fixed"));
    thread.Start();
}

// Fire and forget: the work captures a parameter and nobody ever waits for it. (The fix runs it beside the line
// after it and waits at the end; work alone in its method gets no fix, since waiting would just make it synchronous.)
static void Greet(string name)
{
    Task.Run(() => Console.WriteLine($"Hello, {name}!"));
    Console.WriteLine("A greeting is on its way.");
}
