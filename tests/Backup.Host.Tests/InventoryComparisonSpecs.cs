using Backup.Abstractions;
using Backup.Host.Drill;

namespace Backup.Host.Tests;

public sealed class InventoryComparisonSpecs
{
    private static readonly ContentInventory Backup = new(
    [
        new InventoryItem("shop", "table", "orders", 2000),
        new InventoryItem("shop", "table", "empty", 0),
        new InventoryItem("shop", "view", "big", null),
        new InventoryItem("shop", "procedure", "p", null),
    ]);

    [Fact]
    public void The_same_objects_and_row_counts_in_any_order_are_no_difference()
    {
        InventoryComparison.Differences(Backup, new ContentInventory([.. Backup.Items.Reverse()])).Should().BeEmpty();
    }

    [Fact]
    public void A_missing_object_an_extra_one_and_a_row_count_are_each_one_line_naming_the_object_and_both_counts()
    {
        var target = new ContentInventory(
        [
            new InventoryItem("shop", "table", "orders", 1997),
            new InventoryItem("shop", "table", "empty", 0),
            new InventoryItem("shop", "procedure", "p", null),
            new InventoryItem("shop", "event", "e", null),
        ]);

        InventoryComparison.Differences(Backup, target).Should().Equal(
            "event `shop`.`e`: on the target, not in the backup",
            "table `shop`.`orders`: 2,000 rows in the backup, 1,997 rows on the target",
            "view `shop`.`big`: in the backup, not on the target");
    }

    [Fact]
    public void A_table_missing_on_the_target_says_how_many_rows_it_should_have()
    {
        InventoryComparison.Differences(Backup, new ContentInventory([]))
            .Should().Contain("table `shop`.`orders`: in the backup with 2,000 rows, not on the target");
    }
}
