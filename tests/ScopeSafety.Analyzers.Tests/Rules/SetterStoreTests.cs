using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A property setter that checks its <c>value</c> and stores it, or a default in its place (WatsonTcp's <c>Settings</c>,
/// Technitium's <c>LogFolder</c>), configures the type as a setter that stores <c>value</c> does: beside a timer that
/// reads the setting it is not reported. A method that clears the setting, a setter whose store reads the field (an
/// update), and a setter that stores null (Technitium's <c>QpmLimitBypassList</c>, beside a request path that tests the
/// list for null and then walks it) still are.
/// </summary>
public class SetterStoreTests
{
    private static string Source(string member) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Server
        {
            private IReadOnlyCollection<string> _bypass;
            private string _folder = "logs";
            private int _limit;
            private readonly Timer _timer;

            public Server()
            {
                _timer = new Timer({|#0:Sample|}, null, 1000, 1000);
            }

            public IReadOnlyCollection<string> Bypass
            {
                get { return _bypass; }
                set
                {
                    if (value is null || value.Count == 0)
                        _bypass = Array.Empty<string>();
                    else if (value.Count > 255)
                        throw new ArgumentOutOfRangeException(nameof(Bypass));
                    else
                        _bypass = value;
                }
            }

            public string Folder
            {
                get { return _folder; }
                set
                {
                    var folder = string.IsNullOrEmpty(value) ? "logs" : value.Trim();
                    if (!folder.Equals(_folder, StringComparison.Ordinal))
                        _folder = folder;
                }
            }

            {{member}}

            private void Sample(object state)
            {
                Console.WriteLine(_bypass?.Count);
                Console.WriteLine(_folder);
                Console.WriteLine(_limit);
            }
        }
        """;

    [Fact]
    public Task A_setter_that_stores_a_checked_value_null_or_a_default_configures_the_type() =>
        Verify.VerifyAnalyzerAsync(Source(""));

    [Fact]
    public Task A_method_that_clears_the_setting_races_with_the_timer() =>
        Verify.VerifyAnalyzerAsync(Source("public void ClearBypass() { _bypass = null; }"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_bypass", "Server.ClearBypass at line 44", "work started with new Timer at line 16 (in Server.Sample)", "read"));

    [Fact]
    public Task A_setter_that_stores_null_races_with_the_timer() =>
        Verify.VerifyAnalyzerAsync(Source("public IReadOnlyCollection<string> Cleared { set { if (value is null) _bypass = null; } }"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_bypass", "Server.Cleared at line 44", "work started with new Timer at line 16 (in Server.Sample)", "read"));

    [Fact]
    public Task A_setter_whose_store_reads_the_field_races_with_the_timer() =>
        Verify.VerifyAnalyzerAsync(Source("public int Limit { get { return _limit; } set { _limit = _limit + value; } }"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_limit", "Server.Limit at line 44", "work started with new Timer at line 16 (in Server.Sample)", "read"));
}
