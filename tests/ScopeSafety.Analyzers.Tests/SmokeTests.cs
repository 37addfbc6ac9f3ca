namespace ScopeSafety.Analyzers.Tests;

public class SmokeTests
{
    [Fact]
    public void Rule_ids_are_stable() => Assert.Equal("SCOPE001", RuleIds.StackPointerCapturedByUnscopedWork);
}
