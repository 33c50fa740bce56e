using Backup.Abstractions;
using Backup.Host.Spec;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>Specs written to exhaust the host or to pass validation and fail after the dump are refused by <see cref="SpecLoader"/> with one problem each.</summary>
public sealed class HostileSpecSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    private SpecLoader Loader
    {
        get
        {
            var environment = HostileSpec.Environment(_dir.Combine("store"));
            return new SpecLoader(name => environment.GetValueOrDefault(name));
        }
    }

    [Theory]
    [MemberData(nameof(HostileSpec.Names), MemberType = typeof(HostileSpec))]
    public void A_hostile_spec_is_refused_with_one_problem_naming_its_file_line_and_column(string name)
    {
        var hostile = HostileSpec.Named(name);
        var path = _dir.Combine(HostileSpec.FileName);
        File.WriteAllText(path, hostile.Yaml);

        var act = () => Loader.Load(path);

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle()
            .Which.Should().StartWith(_dir.Combine(hostile.Expected));
    }

    [Fact]
    public void A_directory_given_as_the_spec_is_called_a_directory()
    {
        var act = () => Loader.Load(_dir.Path);

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle()
            .Which.Should().Be($"{_dir.Path}: is a directory, not a spec file");
    }

    [Fact]
    public void A_spec_that_never_ends_is_read_only_up_to_the_size_limit()
    {
        var act = () => Loader.Load("/dev/zero");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle()
            .Which.Should().StartWith("/dev/zero: the spec file is larger than 1 MiB");
    }

    [Fact]
    public void A_spec_file_one_byte_over_the_size_limit_is_refused()
    {
        var path = WritePadded((1 << 20) + 1);

        var act = () => Loader.Load(path);

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle()
            .Which.Should().StartWith($"{path}: the spec file is larger than 1 MiB");
    }

    [Fact]
    public void A_spec_file_of_exactly_the_size_limit_is_read()
    {
        var path = WritePadded(1 << 20);

        Loader.Load(path).Name.Should().Be("hostile");
    }

    // A valid spec padded with a comment to exactly `bytes` bytes.
    private string WritePadded(int bytes)
    {
        var path = _dir.Combine(HostileSpec.FileName);
        File.WriteAllText(path, HostileSpec.Valid + "#" + new string(' ', bytes - HostileSpec.Valid.Length - 2) + "\n");
        new FileInfo(path).Length.Should().Be(bytes);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
