using Backup.Deploy.Tests.Support;

namespace Backup.Deploy.Tests;

/// <summary>The Dockerfile builds once with the layout script and ships a runtime-only, non-root image.</summary>
public sealed class DockerfileSpecs
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void The_build_stage_runs_the_layout_script_for_the_STORAGE_argument_and_the_runtime_stage_copies_exactly_its_output()
    {
        var run = _dockerfile.Instructions.Single(i => i.Instruction == "RUN" && i.Arguments.Contains("build/publish-image-layout.sh"));
        var output = run.Arguments.Split(' ').Last();
        run.Arguments.Should().Contain("build/publish-image-layout.sh \"$STORAGE\" " + output);
        _dockerfile.RuntimeStage.Should().ContainSingle(i => i.Instruction == "COPY")
            .Which.Arguments.Should().Be($"--from=build {output} /app");
        _dockerfile.Instructions.First().Should().Be(("ARG", "STORAGE=local"), "the storage is chosen at build time, local by default");
    }

    [Fact]
    public void The_runtime_stage_is_the_dotnet_runtime_without_the_sdk()
    {
        _dockerfile.Single("FROM").Should().StartWith("mcr.microsoft.com/dotnet/runtime:10.0");
        _dockerfile.Instructions.Where(i => i.Instruction == "FROM").Should().HaveCount(2);
    }

    [Fact]
    public void The_runtime_stage_installs_only_the_mariadb_client()
    {
        var installs = _dockerfile.RuntimeStage.Where(i => i.Instruction == "RUN" && i.Arguments.Contains("apt-get install")).ToList();
        installs.Should().ContainSingle().Which.Arguments.Should()
            .Contain("apt-get install -y --no-install-recommends mariadb-client &&").And.Contain("rm -rf /var/lib/apt/lists/*");
    }

    [Fact]
    public void The_container_runs_the_host_as_uid_10001_with_the_spec_from_etc_backup()
    {
        _dockerfile.User.Should().Be("10001:10001");
        _dockerfile.DefaultCommandLine.Should().Equal("/app/backup", "run", "--spec", "/etc/backup/job.yaml");
    }

    [Fact]
    public void The_image_logs_json_and_keeps_its_temp_files_under_tmp()
    {
        _dockerfile.Environment.Should().Contain("BACKUP_LOG_FORMAT", "json");
        _dockerfile.Environment["BACKUP_TEMP_DIR"].Should().StartWith("/tmp/");
    }

    [Fact]
    public void The_image_bounds_the_gc_first_generation_budget_so_memory_does_not_follow_the_node_cache_size()
    {
        // bench/run.sh runs the tool with this same value; without it the budget follows the CPU's L3 size.
        var budget = _dockerfile.Environment["DOTNET_GCgen0size"];
        budget.Should().StartWith("0x", "the runtime parses this knob as hex");
        Convert.ToInt64(budget[2..], 16).Should().BeInRange(4L << 20, 32L << 20);
    }
}
