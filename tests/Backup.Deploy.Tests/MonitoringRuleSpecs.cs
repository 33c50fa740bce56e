using Backup.Deploy.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;
using k8s;

namespace Backup.Deploy.Tests;

/// <summary>
/// deploy/monitoring: the plain rules files are valid (<c>promtool check rules</c>), their unit tests on example series pass
/// (<c>promtool test rules</c>, every test file), a broken rule makes them fail, and each PrometheusRule is generated from
/// its file: <c>backup-rules.yml</c> for every site, <c>binlogs/binlog-archiver-rules.yml</c> only beside the binlogs component.
/// </summary>
public sealed class MonitoringRuleSpecs : IDisposable
{
    private static readonly string Directory = Path.Combine(DeployTree.Root, "monitoring");
    private const string RulesFile = "backup-rules.yml";
    private const string BinlogRulesFile = "binlogs/binlog-archiver-rules.yml";
    private static readonly string[] RulesFiles = [RulesFile, BinlogRulesFile];

    // The binlog archiver's rules count in minutes and have test files of their own evaluated every minute.
    private static readonly string[] TestFiles = ["backup-rules.test.yml", "backup-binlog-rules.test.yml", "binlogs/binlog-archiver-rules.test.yml"];

    private readonly TempDir _dir = new("backup-rules-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Promtool_accepts_the_rules_and_their_unit_tests_pass()
    {
        var check = await PromtoolAsync(Directory, ["check", "rules", .. RulesFiles]);
        var test = await PromtoolAsync(Directory, ["test", "rules", .. TestFiles]);

        check.ExitCode.Should().Be(0, check.StandardOutput + check.StandardError);
        check.StandardOutput.Should().Contain("SUCCESS: 9 rules found").And.Contain("SUCCESS: 1 rules found");
        test.ExitCode.Should().Be(0, test.StandardOutput + test.StandardError);
    }

    [Theory]
    [InlineData(RulesFile, "max by (job, command) (backup_last_exit_code) != 0", "max by (job, command) (backup_last_exit_code) > 5", "BackupLastRunFailed")]
    [InlineData(RulesFile, "> 26 * 3600", "> 27 * 3600", "BackupMissing")]
    [InlineData(RulesFile, "< 0.5 * max by (job)", "< 0.3 * max by (job)", "BackupSizeDropped")]
    [InlineData(RulesFile, "> 8 * 86400", "> 9 * 86400", "BackupVerifyStale")]
    [InlineData(RulesFile, "> 15 * 60", "> 16 * 60", "BinlogArchiveStale")]
    [InlineData(RulesFile, "> 15 * 60", "> 14 * 60", "BinlogArchiveStale")]
    [InlineData(RulesFile, "(backup_binlog_last_round_failed) == 1\n        for: 5m", "(backup_binlog_last_round_failed) == 1\n        for: 6m", "BinlogArchiveFailing")]
    [InlineData(RulesFile, "(backup_binlog_last_round_failed) == 1\n        for: 5m", "(backup_binlog_last_round_failed) == 1\n        for: 4m", "BinlogArchiveFailing")]
    [InlineData(BinlogRulesFile, "command=\"binlogs\"})\n        for: 15m", "command=\"binlogs\"})\n        for: 16m", "BinlogArchiveNeverRan")]
    public async Task A_changed_rule_fails_the_unit_tests(string file, string original, string broken, string alert)
    {
        CopyInto(_dir.Path, [.. RulesFiles, .. TestFiles]);
        var rules = await File.ReadAllTextAsync(Path.Combine(Directory, file));
        rules.Should().Contain(original);
        await File.WriteAllTextAsync(_dir.Combine(file), rules.Replace(original, broken));

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
        CopyInto(_dir.Path, [script, .. RulesFiles]);

        var result = await Cli.Wrap("bash").WithArguments([_dir.Combine(script)]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        result.ExitCode.Should().Be(0, result.StandardError);
        foreach (var generated in new[] { "prometheusrule.yaml", "binlogs/prometheusrule.yaml" })
        {
            (await File.ReadAllTextAsync(Path.Combine(Directory, generated))).Should().Be(
                await File.ReadAllTextAsync(_dir.Combine(generated)),
                $"deploy/monitoring/{generated} is generated from its rules file: run deploy/monitoring/{script}");
        }
    }

    [Fact]
    public void The_PrometheusRules_load_as_typed_objects_with_every_alert_and_the_binlog_archivers_never_ran_only_in_its_own()
    {
        var every = Load("prometheusrule.yaml");
        var binlogs = Load("binlogs/prometheusrule.yaml");

        every.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Alert).Should().BeEquivalentTo(
            ["BackupMissing", "BackupNeverSucceeded", "BackupLastRunFailed", "BackupSizeDropped", "BackupVerifyStale", "BinlogArchiveStale", "BinlogArchiveFailing", "BackupNeverRan", "BackupNeverVerified"]);
        binlogs.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Alert).Should().Equal("BinlogArchiveNeverRan");
        every.Spec.Groups.Concat(binlogs.Spec.Groups).SelectMany(g => g.Rules).Should().OnlyContain(r => r.Labels!.ContainsKey("severity") && r.Annotations!.ContainsKey("summary"));

        static PrometheusRule Load(string file) =>
            KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Directory, file)), PrometheusRule.TypeMap, strict: true)
                .Should().ContainSingle().Which.Should().BeOfType<PrometheusRule>().Subject;
    }

    private static void CopyInto(string target, IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, file))!);
            File.Copy(Path.Combine(Directory, file), Path.Combine(target, file));
        }
    }

    private static Task<BufferedCommandResult> PromtoolAsync(string directory, params string[] arguments) =>
        Cli.Wrap("promtool").WithArguments(arguments).WithWorkingDirectory(directory).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}
