namespace ScopeSafety.Analyzers.Tests;

/// <summary>
/// Every unscoped API shape the rules must recognise, as statement templates: WORK is the work's
/// expression with its first capture marked {|#0:…|}, PLAIN the same without markup; the spawn
/// expression is marked {|#1:…|}.
/// </summary>
internal static class SpawnShapes
{
    private static readonly (string Template, string Api, string? Option)[] All =
    [
        ("{|#1:Task.Run(() => WORK)|};", "Task.Run", null),
        ("{|#1:Task.Run(delegate { WORK; })|};", "Task.Run", null),
        ("void Work() => PLAIN; {|#1:Task.Run({|#0:Work|})|};", "Task.Run", null),
        ("{|#1:new Thread(() => WORK)|}.Start();", "new Thread", null),
        ("var thread = {|#1:new Thread(() => WORK)|}; thread.Start();", "new Thread", null),
        ("{|#1:new Task(() => WORK)|}.Start();", "new Task", null),
        ("{|#1:Task.Factory.StartNew(() => WORK)|};", "Task.Factory.StartNew", null),
        ("{|#1:new TaskFactory().StartNew(() => WORK)|};", "TaskFactory.StartNew", null),
        ("{|#1:ThreadPool.QueueUserWorkItem(_ => WORK)|};", "ThreadPool.QueueUserWorkItem", null),
        ("{|#1:ThreadPool.QueueUserWorkItem(state => { WORK; }, 2, preferLocal: false)|};", "ThreadPool.QueueUserWorkItem", null),
        ("{|#1:ThreadPool.UnsafeQueueUserWorkItem(_ => WORK, null)|};", "ThreadPool.UnsafeQueueUserWorkItem", null),
        ("using var timer = {|#1:new Timer(_ => WORK, null, 0, Timeout.Infinite)|};", "new Timer", null),
        ("{|#1:Task.CompletedTask.ContinueWith(_ => WORK)|};", "Task.ContinueWith", null),
        ("{|#1:Pool.Enqueue(() => WORK)|};", "Pool.Enqueue", null),
        ("{|#1:System.IO.Stream.Null.BeginRead(new byte[1], 0, 1, _ => WORK, null)|};", "Stream.BeginRead", null),

        // The work held in a delegate local given its one value before the spawn: reported exactly as if written inline.
        ("Action work = () => WORK; {|#1:Task.Run(work)|};", "Task.Run", null),
        ("Action work; work = delegate { WORK; }; {|#1:Task.Run(work)|};", "Task.Run", null),
        ("void Bump() => PLAIN; Action work = {|#0:Bump|}; {|#1:Task.Run(work)|};", "Task.Run", null),
        ("ThreadStart work = () => WORK; var thread = {|#1:new Thread(work)|}; thread.Start();", "new Thread", null),
        ("WaitCallback work = _ => WORK; {|#1:ThreadPool.QueueUserWorkItem(work)|};", "ThreadPool.QueueUserWorkItem", null),
        ("TimerCallback work = _ => WORK; using var timer = {|#1:new Timer(work, null, 0, Timeout.Infinite)|};", "new Timer", null),
        ("Action work = () => WORK; {|#1:Pool.Enqueue(work)|};", "Pool.Enqueue", null),
        ("AsyncCallback work = _ => WORK; {|#1:System.IO.Stream.Null.BeginWrite(new byte[1], 0, 1, work, null)|};", "Stream.BeginWrite", null),
        ("{|#1:Jobs.Post(() => WORK)|};", "Jobs.Post", "scopesafety.unscoped_methods = M:Jobs.Post(System.Action)"),
        ("{|#1:Jobs.Post(() => WORK)|};", "Jobs.Post", "scopesafety.unscoped_methods = M:Other.Method | M:Jobs.Post"),
    ];

    /// <summary>Rows (spawn statement, API display name, .editorconfig line or null).</summary>
    public static TheoryData<string, string, string?> For(string work, string plain)
    {
        var rows = new TheoryData<string, string, string?>();
        foreach (var (template, api, option) in All)
        {
            rows.Add(template.Replace("WORK", work).Replace("PLAIN", plain), api, option);
        }

        return rows;
    }

    /// <summary>The .editorconfig for a row's option.</summary>
    public static string? EditorConfig(string? option) => option == null ? null : "root = true\n[*.cs]\n" + option + "\n";
}
