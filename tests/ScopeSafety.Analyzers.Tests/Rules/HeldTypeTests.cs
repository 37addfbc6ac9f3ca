using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE011 on a variable typed as an interface or base that says nothing about thread safety (<c>IList&lt;T&gt;</c>,
/// <c>IDictionary&lt;K, V&gt;</c>, <c>Stream</c>): what it holds decides. Every value it is given is of a type that is not
/// thread-safe (its initialiser, a constructor's assignment, <c>ToList()</c>): reported. A value of unknown origin, a
/// thread-safe instance, or a public field anyone may set: silent. A <c>Lazy&lt;T&gt;</c> made without thread safety
/// writes on its first <c>Value</c>. Each hazard beside the twin that must stay silent.
/// The class starts at line 8.
/// </summary>
public class HeldTypeTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.ConcurrentUsings;

    [Fact]
    public Task An_interface_typed_local_holding_a_list_races_and_one_of_unknown_origin_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(string[] args)
            {
                IList<int> list = new List<int>();
                Parallel.For(0, 100, i => {|#0:list|}.Add(i));

                IList<string> all = args.ToList();
                Parallel.For(0, 4, i => {|#1:all|}.Add(i.ToString()));

                ICollection<int> bag;
                bag = new HashSet<int>();
                Parallel.For(0, 4, i => {|#2:bag|}.Add(i));

                IList<string> made = Make();
                Parallel.For(0, 4, i => made.Add(i.ToString()));

                IEnumerable<int> numbers = new List<int> { 1, 2 };
                Parallel.For(0, 4, i => Console.WriteLine(numbers.Count()));
            }

            static IList<string> Make() => new List<string>();
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "IList<int>", "work started with Parallel.For at line 13", "another run of the same work", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("all", "IList<string>", "work started with Parallel.For at line 16", "another run of the same work", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(2).WithArguments("bag", "ICollection<int>", "work started with Parallel.For at line 20", "another run of the same work", "also mutate"));

    [Fact]
    public Task An_interface_typed_field_set_in_the_constructor_races_unless_it_is_given_from_outside() => Verify.VerifyAnalyzerAsync(Usings + """
        class Names
        {
            private readonly IList<string> _names;
            private readonly IDictionary<string, int> _lengths = new ConcurrentDictionary<string, int>();
            private readonly IList<string> _given;
            public IList<string> Open = new List<string>();

            public Names(IList<string> given)
            {
                _names = new List<string>();
                _given = given;
            }

            public void Run(string[] words)
            {
                Parallel.ForEach(words, w => {|#0:_names|}.Add(w));
                Parallel.ForEach(words, w => _lengths[w] = w.Length);
                Parallel.ForEach(words, w => _given.Add(w));
                Parallel.ForEach(words, w => Open.Add(w));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_names", "IList<string>", "work started with Parallel.ForEach at line 23", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_Stream_or_TextWriter_local_is_judged_by_what_it_holds() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                System.IO.Stream stream = new System.IO.MemoryStream();
                Parallel.For(0, 4, i => {|#0:stream|}.WriteByte((byte)i));

                System.IO.TextWriter locked = System.IO.TextWriter.Synchronized(new System.IO.StringWriter());
                Parallel.For(0, 4, i => locked.WriteLine(i));

                System.IO.TextWriter console = Console.Out;
                Parallel.For(0, 4, i => console.WriteLine(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("stream", "Stream", "work started with Parallel.For at line 13", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_Lazy_made_without_thread_safety_races_on_its_first_Value() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly Lazy<string> _unsafe = new Lazy<string>(() => "x", LazyThreadSafetyMode.None);
            private readonly Lazy<string> _published = new Lazy<string>(() => "x", LazyThreadSafetyMode.PublicationOnly);

            void M()
            {
                var lazy = new Lazy<object>(() => new object(), isThreadSafe: false);
                Parallel.For(0, 100, i => Console.WriteLine({|#0:lazy|}.Value));
                Parallel.For(0, 100, i => Console.WriteLine({|#1:_unsafe|}.Value));

                var safe = new Lazy<object>(() => new object());
                Parallel.For(0, 100, i => Console.WriteLine(safe.Value));
                Parallel.For(0, 100, i => Console.WriteLine(_published.Value));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("lazy", "Lazy<object>", "work started with Parallel.For at line 16", "another run of the same work", "also mutate"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("_unsafe", "Lazy<string>", "work started with Parallel.For at line 17", "another run of the same work", "also mutate"));
}
