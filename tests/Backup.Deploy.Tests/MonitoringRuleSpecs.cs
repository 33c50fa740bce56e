using Backup.Deploy.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;
using k8s;

namespace Backup.Deploy.Tests;

/// <summary>
/// deploy/monitoring: the plain rules file is valid (<c>promtool check rules</c>), its unit tests on example series pass
/// (<c>promtool test rules</c>, both test files), a broken rule makes them fail, and the PrometheusRule is generated from it.
/// </summary>
public sealed class MonitoringRuleSpecs : IDisposable
{
    private static readonly string Directory = Path.Combine(DeployTree.Root, "monitoring");
    private const string RulesFile = "backup-rules.yml";

    // The binlog archiver's rules count in minutes and have a test file of their own evaluated every minute.
    private static readonly string[] TestFiles = ["backup-rules.test.yml", "backup-binlog-rules.test.yml"];

    private readonly TempDir _dir = new("backup-rules-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Promtool_accepts_the_rules_and_their_unit_tests_pass()
    {
        var check = await PromtoolAsync(Directory, "check", "rules", RulesFile);
        var test = await PromtoolAsync(Directory, ["test", "rules", .. TestFiles]);

        check.ExitCode.Should().Be(0, check.StandardOutput + check.StandardError);
        check.StandardOutput.Should().Contain("SUCCESS: 10 rules found");
        test.ExitCode.Should().Be(0, test.StandardOutput + test.StandardError);
    }

    [Theory]
    [InlineData("max by (job, command) (backup_last_exit_code) != 0", "max by (job, command) (backup_last_exit_code) > 5", "BackupLastRunFailed")]
    [InlineData("> 26 * 3600", "> 27 * 3600", "BackupMissing")]
    [InlineData("< 0.5 * max by (job)", "< 0.3 * max by (job)", "BackupSizeDropped")]
    [InlineData("> 8 * 86400", "> 9 * 86400", "BackupVerifyStale")]
    [InlineData("> 15 * 60", "> 16 * 60", "BinlogArchiveStale")]
    [InlineData("> 15 * 60", "> 14 * 60", "BinlogArchiveStale")]
    [InlineData("(backup_binlog_last_round_failed) == 1\n        for: 5m", "(backup_binlog_last_round_failed) == 1\n        for: 6m", "BinlogArchiveFailing")]
    [InlineData("(backup_binlog_last_round_failed) == 1\n        for: 5m", "(backup_binlog_last_round_failed) == 1\n        for: 4m", "BinlogArchiveFailing")]
    [InlineData("command=\"binlogs\"})\n        for: 15m", "command=\"binlogs\"})\n        for: 16m", "BinlogArchiveNeverRan")]
    public async Task A_changed_rule_fails_the_unit_tests(string original, string broken, string alert)
    {
        var rules = await File.ReadAllTextAsync(Path.Combine(Directory, RulesFile));
        rules.Should().Contain(original);
        await File.WriteAllTextAsync(_dir.Combine(RulesFile), rules.Replace(original, broken));
        foreach (var file in TestFiles)
        {
            File.Copy(Path.Combine(Directory, file), _dir.Combine(file));
        }

        var test = await PromtoolAsync(_dir.Path, ["test", "rules", .. TestFiles]);

        test.ExitCode.Should().NotBe(0);
        (test.StandardOutput + test.StandardError).Should().Contain($"alertname: {alert}");
    }

    [Fact]
    public async Task A_rule_that_does_not_parse_fails_the_check()
    {
        var rules = await File.ReadAllTextAsync(Path.Combine(Directory, RulesFile));
        await File.WriteAllTextAsync(_dir.Combine(RulesFile), rules.Replace("max by (job) (backup_stored_bytes", "max by (job (backup_stored_bytes"));

        var check = await PromtoolAsync(_dir.Path, "check", "rules", RulesFile);

        check.ExitCode.Should().NotBe(0);
    }

    [Fact]
    public async Task The_PrometheusRule_is_the_plain_rules_file_as_generated()
    {
        const string script = "generate-prometheusrule.sh";
        File.Copy(Path.Combine(Directory, script), _dir.Combine(script));
        File.Copy(Path.Combine(Directory, RulesFile), _dir.Combine(RulesFile));

        var result = await Cli.Wrap("bash").WithArguments([_dir.Combine(script)]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        result.ExitCode.Should().Be(0, result.StandardError);
        (await File.ReadAllTextAsync(Path.Combine(Directory, "prometheusrule.yaml"))).Should().Be(
            await File.ReadAllTextAsync(_dir.Combine("prometheusrule.yaml")),
            $"deploy/monitoring/prometheusrule.yaml is generated from {RulesFile}: run deploy/monitoring/{script}");
    }

    [Fact]
    public void The_PrometheusRule_loads_as_the_typed_object_with_every_alert()
    {
        var rule = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Directory, "prometheusrule.yaml")), PrometheusRule.TypeMap, strict: true)
            .Should().ContainSingle().Which.Should().BeOfType<PrometheusRule>().Subject;

        rule.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Alert).Should().BeEquivalentTo(
            ["BackupMissing", "BackupNeverSucceeded", "BackupLastRunFailed", "BackupSizeDropped", "BackupVerifyStale", "BinlogArchiveStale", "BinlogArchiveFailing", "BackupNeverRan", "BackupNeverVerified", "BinlogArchiveNeverRan"]);
        rule.Spec.Groups.SelectMany(g => g.Rules).Should().OnlyContain(r => r.Labels!.ContainsKey("severity") && r.Annotations!.ContainsKey("summary"));
    }

    private static Task<BufferedCommandResult> PromtoolAsync(string directory, params string[] arguments) =>
        Cli.Wrap("promtool").WithArguments(arguments).WithWorkingDirectory(directory).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}
