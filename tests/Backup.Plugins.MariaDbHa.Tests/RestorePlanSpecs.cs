using Backup.Plugins.MariaDbHa.Restore;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class RestorePlanSpecs
{
    [Fact]
    public void Users_are_loaded_after_the_data_and_entries_that_are_not_sql_are_skipped()
    {
        RestorePlan.LoadOrder(["users.sql", "all-databases-dump.sql", "notes.txt", "shop.sql"], [])
            .Should().Equal("all-databases-dump.sql", "shop.sql", "users.sql");
    }

    [Fact]
    public void Restoring_some_databases_leaves_the_servers_users_and_grants_alone()
    {
        RestorePlan.LoadOrder(["users.sql", "all-databases-dump.sql"], ["shop"]).Should().Equal("all-databases-dump.sql");
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("seed", true, true)]
    [InlineData("seed", false, false)]
    [InlineData("galera-safe", true, false)]
    [InlineData("schemas", true, false)]
    public void The_seed_layout_is_refused_on_a_galera_target_only(string? layout, bool galera, bool refused)
    {
        var metadata = layout is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["layout"] = layout };

        (RestorePlan.RefusalFor(metadata, galera) is not null).Should().Be(refused);
    }
}
