using Backup.Host.Spec;

namespace Backup.Host.Tests;

public sealed class EnvironmentSubstitutionSpecs
{
    private static readonly Dictionary<string, string> Environment = new() { ["BUCKET"] = "prod-backups", ["EMPTY"] = "" };

    [Theory]
    [InlineData("${BUCKET}", "prod-backups")]
    [InlineData("s3://${BUCKET}/x", "s3://prod-backups/x")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${BUCKET:-fallback}", "prod-backups")]
    [InlineData("${MISSING:-}", "")]
    [InlineData("cost: $$5 ${BUCKET}", "cost: $5 prod-backups")]
    [InlineData("plain $HOME text", "plain $HOME text")]
    public void Variables_are_replaced_shell_style(string input, string expected)
    {
        EnvironmentSubstitution.Substitute(input, Lookup, out var missing).Should().Be(expected);
        missing.Should().BeEmpty();
    }

    [Fact]
    public void An_unset_variable_without_default_is_reported_by_name()
    {
        EnvironmentSubstitution.Substitute("${A}-${BUCKET}-${B}", Lookup, out var missing);

        missing.Should().Equal("A", "B");
    }

    private static string? Lookup(string name) => Environment.GetValueOrDefault(name);
}
