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
        EnvironmentSubstitution.Substitute(input, Lookup, out var problems).Should().Be(expected);
        problems.Should().BeEmpty();
    }

    [Fact]
    public void An_unset_variable_without_default_is_reported_by_name()
    {
        EnvironmentSubstitution.Substitute("${A}-${BUCKET}-${B}", Lookup, out var problems);

        problems.Should().Equal(
            "environment variable A is not set (use ${A:-default} for a default)",
            "environment variable B is not set (use ${B:-default} for a default)");
    }

    [Theory]
    [InlineData("${A${BUCKET}}", "${A${BUCKET}")]
    [InlineData("${MISSING:-${BUCKET}}", "${MISSING:-${BUCKET}")]
    [InlineData("root${USER", "${USER")]
    [InlineData("${}", "${}")]
    [InlineData("${1A}", "${1A}")]
    public void A_malformed_reference_is_reported_not_kept(string input, string reference)
    {
        EnvironmentSubstitution.Substitute(input, Lookup, out var problems);

        problems.Should().ContainSingle().Which.Should().StartWith($"'{reference}' is not a valid reference");
    }

    private static string? Lookup(string name) => Environment.GetValueOrDefault(name);
}
