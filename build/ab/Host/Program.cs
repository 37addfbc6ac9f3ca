using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

// Times patterns of several builds of the runtime in one process, interleaved, so that the drift of a shared machine
// falls on every build alike. Arguments: SAMPLES, then variants LABEL=FOLDER:PATTERN:ITEMS, where FOLDER holds a
// build's ScopeSafety.dll next to Ops.dll. Prints, per variant, the median and lowest ns per item over SAMPLES
// samples, and the median of its ratio to the first variant's sample of the same round.
var samples = int.Parse(args[0]);
var variants = new List<(string Label, Action Op, int Items)>();
foreach (var spec in args.Skip(1))
{
    var label = spec[..spec.IndexOf('=')];
    var parts = spec[(label.Length + 1)..].Split(':');
    var context = new FolderContext(parts[0]);
    var ops = context.LoadFromAssemblyPath(Path.Combine(parts[0], "Ops.dll")).GetType("ScopeSafety.AB.Ops")!;
    var items = int.Parse(parts[2]);
    var perOperation = (int)ops.GetMethod("ItemsPerOperation")!.Invoke(null, [parts[1], items])!;
    variants.Add((label, (Action)ops.GetMethod("Create")!.Invoke(null, [parts[1], items])!, perOperation));
}

// Warm up (tiering included), then size each sample to about 10 ms.
var watch = new Stopwatch();
var repeats = new int[variants.Count];
for (var v = 0; v < variants.Count; v++)
{
    watch.Restart();
    for (var runs = 0; runs < 50 || watch.ElapsedMilliseconds < 1500; runs++)
    {
        variants[v].Op();
    }

    watch.Restart();
    variants[v].Op();
    variants[v].Op();
    repeats[v] = Math.Max(1, (int)(20.0 / watch.Elapsed.TotalMilliseconds));
}

var times = variants.Select(_ => new List<double>()).ToArray();
for (var round = 0; round < samples; round++)
{
    for (var k = 0; k < variants.Count; k++)
    {
        // A different variant goes first in each round.
        var v = (k + round) % variants.Count;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        watch.Restart();
        for (var r = 0; r < repeats[v]; r++)
        {
            variants[v].Op();
        }

        times[v].Add(watch.Elapsed.TotalNanoseconds / repeats[v] / variants[v].Items);
    }
}

for (var v = 0; v < variants.Count; v++)
{
    var paired = times[v].Zip(times[0], (mine, first) => mine / first).ToList();
    Console.WriteLine(
        $"{variants[v].Label,-28} median {Median(times[v]),10:F1} ns/item   lowest {times[v].Min(),10:F1}   " +
        $"÷ first, paired median {Median(paired),5:F2}");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

// Resolves a build's assemblies from its own folder, the framework's from the default context.
internal sealed class FolderContext(string folder) : AssemblyLoadContext
{
    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(folder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
