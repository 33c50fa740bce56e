using Backup.Deploy.Tests.Support;
using Backup.Testing;

namespace Backup.Deploy.Tests;

/// <summary>The Dockerfile builds once with the layout script and ships a runtime-only, non-root image.</summary>
public sealed class DockerfileSpecs
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void The_build_stage_publishes_once_for_every_image_and_the_runtime_stage_copies_the_layout_of_the_SOURCE_and_STORAGE_arguments()
    {
        _dockerfile.Instructions.Take(2).Should().Equal([("ARG", "SOURCE=mariadb-ha"), ("ARG", "STORAGE=local")],
            "source and storage are chosen at build time: the logical source and the local storage by default");
        _dockerfile.Stage("build").Should().Contain(i => i.Instruction == "RUN" && i.Arguments.EndsWith("build/publish.sh /out/app"))
            .And.NotContain(i => i.Arguments.Contains("STORAGE") || i.Arguments.Contains("SOURCE"), "without them the publish layer is shared by (and cached for) every image");
        _dockerfile.Stage("layout").Should().Contain(("ARG", "SOURCE")).And.Contain(("ARG", "STORAGE"))
            .And.Contain(("RUN", "build/publish-image-layout.sh --from /out/app \"$SOURCE\" \"$STORAGE\" /out/image"));
        _dockerfile.RuntimeStage.Should().Contain(("COPY", "--from=layout /out/image /app"));
    }

    [Fact]
    public void The_runtime_stage_is_the_dotnet_runtime_without_the_sdk()
    {
        _dockerfile.RuntimeBase.Should().StartWith("mcr.microsoft.com/dotnet/runtime:10.0");
        _dockerfile.Stage("source-tools")[0].Arguments.Should().StartWith(_dockerfile.Single("FROM").Split(' ')[0] + " ",
            "the source's programs are installed on the runtime base, so the libraries they link match");
    }

    [Fact]
    public void The_runtime_stage_installs_no_packages_and_takes_only_the_SOURCE_programs_from_their_stage()
    {
        _dockerfile.RuntimeStage.Should().NotContain(i => i.Arguments.Contains("apt-get"));
        _dockerfile.RuntimeStage.Where(i => i.Instruction == "COPY").Select(i => i.Arguments)
            .Should().Equal("--from=source-tools /out/ /", "--from=layout /out/image /app");
        var tools = _dockerfile.Stage("source-tools");
        tools.Should().Contain(("ARG", "SOURCE"));
        tools.Should().ContainSingle(i => i.Instruction == "RUN").Which.Arguments.Should().Be("source-tools.sh \"$SOURCE\" /out");
    }

    [Fact]
    public void The_image_is_labelled_with_its_source_and_storage()
    {
        var labels = _dockerfile.Single("LABEL");
        labels.Should().Contain("io.startree.backup.source=\"${SOURCE}\"").And.Contain("io.startree.backup.storage=\"${STORAGE}\"");
    }

    [Fact]
    public void The_image_needs_no_BuildKit_frontend_from_a_registry()
    {
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "Dockerfile")).First().Should().NotStartWith("# syntax=");
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
