namespace ScopeSafety.Package.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder_until_the_package_test_lands() => Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "ScopeSafety.Package.Tests.dll")));
}
