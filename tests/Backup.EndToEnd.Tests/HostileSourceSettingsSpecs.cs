using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>mariadb-ha settings a careless or hostile spec writer can give the published host: each is one line with its own exit code, and nothing runs.</summary>
public sealed class HostileSourceSettingsSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-hostile-settings-");
    private string _pluginsDirectory = "";

    public async Task InitializeAsync() => _pluginsDirectory = await MariaDbHaPlugins.ComposeAsync(_dir.Path);

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    public async Task An_extra_argument_that_would_write_the_dump_elsewhere_is_refused_by_name_before_anything_runs(string command)
    {
        var outside = _dir.Combine("outside.sql");

        var result = await HostAsync(command, $"extraArgs: ['--skip-dump-date', '--res={outside}']");

        result.ExitCode.Should().Be(2, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Contain("source.settings.extraArgs has '--res'");
        File.Exists(outside).Should().BeFalse("nothing ran");
    }

    [Fact]
    public async Task A_host_with_a_newline_is_refused_by_validate()
    {
        var result = await HostAsync("validate", "host: \"db-0\\nerror: forged line\"", withHost: false);

        result.ExitCode.Should().Be(2, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Contain("source.settings.host must not contain control characters (U+000A at position 5)");
    }

    [Fact]
    public async Task Dev_zero_as_the_password_file_is_one_credentials_line()
    {
        var result = await HostAsync("run", "", password: "file: /dev/zero");

        result.ExitCode.Should().Be(6, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Be("error: source.settings.password: file '/dev/zero' is larger than 64 KiB: not a secret");
    }

    private async Task<BufferedCommandResult> HostAsync(string command, string settings, bool withHost = true, string password = $"env: {TestServers.MariaDbPasswordVariable}")
    {
        var spec = _dir.Combine("job.yaml");
        var host = withHost ? $"host: {TestServers.MariaDbHost}\n    port: {TestServers.MariaDbPort}\n    " : "";
        await File.WriteAllTextAsync(spec, $"""
            name: hostile
            source:
              plugin: mariadb-ha
              settings:
                {host}password:
                  {password}
                {settings}
            storage:
              plugin: local
              settings:
                path: {_dir.Combine("store")}
            tempDirectory: {_dir.Combine("tmp")}
            """);
        return await PublishedHost.RunAsync([command, "--spec", spec, "--plugins-dir", _pluginsDirectory]);
    }
}
