using Backup.Host.Tests.Support;
using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.Host.Tests;

/// <summary>The published <c>backup</c> process given a hostile spec: exit code 2, exactly one <c>error:</c> line, nothing else on stderr, nothing run.</summary>
public sealed class HostileSpecHostSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    private string StorageDirectory => _dir.Combine("store");

    [Theory]
    [MemberData(nameof(HostileSpec.Names), MemberType = typeof(HostileSpec))]
    public async Task Validate_refuses_a_hostile_spec_with_exit_code_2_and_one_error_line(string name) =>
        await ShouldRefuseAsync("validate", HostileSpec.Named(name));

    [Theory]
    [MemberData(nameof(HostileSpec.KeyOrNameNames), MemberType = typeof(HostileSpec))]
    public async Task Run_refuses_a_name_or_prefix_it_could_not_store_before_any_io(string name)
    {
        await ShouldRefuseAsync("run", HostileSpec.Named(name));

        Directory.Exists(StorageDirectory).Should().BeFalse("nothing may be stored");
        Directory.EnumerateFileSystemEntries(_dir.Combine("tmp")).Should().BeEmpty("no run may start");
    }

    [Fact]
    public async Task A_directory_given_as_the_spec_is_one_line_calling_it_a_directory() =>
        ShouldBeOneError(await RunAsync("validate", _dir.Path), $"error: {_dir.Path}: is a directory, not a spec file");

    [Fact]
    public async Task A_spec_that_never_ends_is_one_line_about_the_size_limit() =>
        ShouldBeOneError(await RunAsync("validate", "/dev/zero"), "error: /dev/zero: the spec file is larger than 1 MiB");

    [Fact]
    public async Task A_huge_spec_file_is_one_line_about_the_size_limit()
    {
        var path = _dir.Combine(HostileSpec.FileName);
        await using (var file = File.Create(path))
        {
            // Sparse: 4 GiB of NULs that take no disk, more than a string can hold.
            file.SetLength(4L << 30);
        }

        ShouldBeOneError(await RunAsync("validate", path), $"error: {path}: the spec file is larger than 1 MiB");
    }

    public void Dispose() => _dir.Dispose();

    private static void ShouldBeOneError(BufferedCommandResult result, string expectedStart)
    {
        result.ExitCode.Should().Be(2, result.StandardError);
        result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(result.StandardError)
            .Which.Should().StartWith(expectedStart);
        result.StandardOutput.Should().BeEmpty();
    }

    private async Task ShouldRefuseAsync(string command, HostileSpec hostile)
    {
        var path = _dir.Combine(HostileSpec.FileName);
        await File.WriteAllTextAsync(path, hostile.Yaml);

        ShouldBeOneError(await RunAsync(command, path), $"error: {_dir.Combine(hostile.Expected)}");
    }

    private async Task<BufferedCommandResult> RunAsync(string command, string spec)
    {
        var environment = HostileSpec.Environment(StorageDirectory).ToDictionary(e => e.Key, string? (e) => e.Value);
        environment["BACKUP_TEMP_DIR"] = Directory.CreateDirectory(_dir.Combine("tmp")).FullName;
        return await PublishedHost.RunAsync([command, "--spec", spec], environment);
    }
}
