namespace ScopeSafety.Tests;

public class SmokeTests
{
    [Fact]
    public void Scope_type_exists() => Assert.NotNull(typeof(Scope));
}
