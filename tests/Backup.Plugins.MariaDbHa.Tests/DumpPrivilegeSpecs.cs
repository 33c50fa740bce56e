using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>Issue 14 item 1: a user who cannot see every database is refused before the dump, and the documented grant is enough.</summary>
public sealed class DumpPrivilegeSpecs : IAsyncLifetime
{
    private const string Database = "privilege_shop";
    private readonly SourceRun _run = new();

    public async Task InitializeAsync()
    {
        await TestServers.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await TestServers.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Database}.items (id INT PRIMARY KEY)");
    }

    public Task DisposeAsync()
    {
        _run.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, object> Settings(DumpUser user, string layout) =>
        SourceRun.ServerSettings(user.PasswordSetting(), ("user", user.Name), ("layout", layout));

    [Fact]
    public async Task A_user_granted_on_one_schema_is_refused_naming_the_missing_privileges()
    {
        await using var user = await DumpUser.CreateAsync("bk_one_schema", TestServers.MariaDbPort,
            ["CREATE USER 'backup'@'%' IDENTIFIED BY 'change-me'", $"GRANT ALL PRIVILEGES ON {Database}.* TO 'backup'@'%'"]);

        var act = () => _run.RunAsync(Settings(user, "seed"));

        var error = (await act.Should().ThrowAsync<BackupSourceException>()).Which;
        error.Message.Should().Be(
            $"user 'bk_one_schema' lacks SELECT, SHOW VIEW, TRIGGER, EVENT ON *.* on {TestServers.MariaDbHost}:{TestServers.MariaDbPort}, which the seed layout needs " +
            "(mariadb-dump would silently leave out what the user cannot see; least-privilege grants: docs/mariadb-ha.md#privileges-the-least-privilege-dump-user)");
        _run.Writer.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_missing_one_global_privilege_is_refused_naming_only_that_one()
    {
        await using var user = await DumpUser.CreateAsync("bk_no_event", TestServers.MariaDbPort,
            ["CREATE USER 'backup'@'%' IDENTIFIED BY 'change-me'", "GRANT SELECT, SHOW VIEW, TRIGGER ON *.* TO 'backup'@'%'"]);

        var act = () => _run.RunAsync(Settings(user, "schemas"));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Contain("lacks EVENT ON *.* on ");
    }

    [Fact]
    public async Task Privileges_held_through_the_default_role_count()
    {
        const string role = "bk_dump_role";
        await TestServers.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        await TestServers.ExecuteAsync($"CREATE ROLE {role}");
        try
        {
            await TestServers.ExecuteAsync($"GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON *.* TO {role}");
            await using var user = await DumpUser.CreateAsync("bk_by_role", TestServers.MariaDbPort,
                ["CREATE USER 'backup'@'%' IDENTIFIED BY 'change-me'", $"GRANT {role} TO 'backup'@'%'", $"SET DEFAULT ROLE {role} FOR 'backup'@'%'"]);

            await _run.RunAsync(Settings(user, "seed"));

            _run.DumpText.Should().Contain($"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{Database}`").And.Contain("-- Dump completed");
        }
        finally
        {
            await TestServers.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("galera-safe")]
    [InlineData("schemas")]
    public async Task The_documented_grant_dumps_every_database_in_each_layout(string layout)
    {
        await using var user = await DumpUser.CreateAsync($"bk_least_{layout.Replace('-', '_')}", TestServers.MariaDbPort, DumpUser.DocumentedStatements("layouts"));

        await _run.RunAsync(Settings(user, layout));

        _run.DumpText.Should().Contain($"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{Database}`").And.Contain("-- Dump completed");
        if (layout == "seed")
        {
            _run.DumpText.Should().Contain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `mysql`");
        }
    }
}
