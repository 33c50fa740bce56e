using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class PasswordSourceSpecs
{
    [Fact]
    public async Task A_password_from_a_file_with_a_trailing_newline_reaches_the_dump()
    {
        using var dir = new TempDir();
        var file = dir.Combine("password");
        File.WriteAllText(file, TestServers.MariaDbPassword + "\n");
        using var run = new SourceRun();

        await run.RunAsync(SourceRun.ServerSettings(SourceRun.FilePassword(file)));

        run.DumpText.Should().Contain("-- Dump completed");
    }

    [Fact]
    public async Task A_password_from_an_environment_variable_reaches_the_dump()
    {
        using var run = new SourceRun();

        await run.RunAsync(SourceRun.ServerSettings(SourceRun.EnvPassword(TestServers.MariaDbPasswordVariable)));

        run.DumpText.Should().Contain("-- Dump completed");
    }

    [Fact]
    public async Task A_password_with_quotes_backslashes_and_a_hash_survives_the_option_file()
    {
        const string user = "bk_special_pw";
        const string password = "p#\"q\\r'; s=t";
        foreach (var host in new[] { "localhost", "%" })
        {
            await TestServers.ExecuteAsync($"CREATE OR REPLACE USER '{user}'@'{host}' IDENTIFIED BY @pw", ("@pw", password));
            await TestServers.ExecuteAsync($"GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON *.* TO '{user}'@'{host}'");
        }

        using var dir = new TempDir();
        var file = dir.Combine("password");
        File.WriteAllText(file, password);
        using var run = new SourceRun();

        var result = await run.RunAsync(SourceRun.ServerSettings(SourceRun.FilePassword(file), ("user", user)));

        run.DumpText.Should().Contain("-- Dump completed");
        result.Metadata["user"].Should().Be(user);
    }

    [Fact]
    public async Task A_missing_password_file_is_a_credentials_error_naming_the_file()
    {
        using var run = new SourceRun();

        var act = () => run.RunAsync(SourceRun.ServerSettings(SourceRun.FilePassword("/nonexistent/password")));

        (await act.Should().ThrowAsync<BackupCredentialsException>())
            .Which.Message.Should().StartWith("source.settings.password: cannot read file '/nonexistent/password'");
    }

    [Fact]
    public async Task An_empty_password_file_is_a_credentials_error_naming_the_file()
    {
        using var dir = new TempDir();
        var file = dir.Combine("password");
        File.WriteAllText(file, "\n");
        using var run = new SourceRun();

        var act = () => run.RunAsync(SourceRun.ServerSettings(SourceRun.FilePassword(file)));

        (await act.Should().ThrowAsync<BackupCredentialsException>())
            .Which.Message.Should().Be($"source.settings.password: file '{file}' is empty");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/dev/zero")]
    public async Task A_password_file_larger_than_64_KiB_is_a_credentials_error_and_is_not_read_whole(string? path)
    {
        // Read whole, /dev/zero filled 4.7 GB of memory before failing; a 1 MiB file stands for a wrong path.
        using var dir = new TempDir();
        var file = path ?? dir.Combine("not-a-password");
        if (path is null)
        {
            File.WriteAllBytes(file, new byte[1 << 20]);
        }

        using var run = new SourceRun();

        var act = () => run.RunAsync(SourceRun.ServerSettings(SourceRun.FilePassword(file)));

        (await act.Should().ThrowAsync<BackupCredentialsException>())
            .Which.Message.Should().Be($"source.settings.password: file '{file}' is larger than 64 KiB: not a secret");
    }

    [Fact]
    public async Task An_unset_environment_variable_is_a_credentials_error_naming_it()
    {
        using var run = new SourceRun();

        var act = () => run.RunAsync(SourceRun.ServerSettings(SourceRun.EnvPassword("BACKUP_TEST_UNSET_" + Guid.NewGuid().ToString("N"))));

        (await act.Should().ThrowAsync<BackupCredentialsException>())
            .Which.Message.Should().Contain("BACKUP_TEST_UNSET_").And.Contain("is not set or empty");
    }
}
