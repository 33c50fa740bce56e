using System.Text;
using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Inventory;

namespace Backup.Plugins.MariaDbHa.Tests.Inventory;

/// <summary>The inventory read from a dump's bytes: hostile content in strings, names and comments must neither add rows nor hide them, however the bytes are chunked.</summary>
public sealed class DumpInventorySpecs
{
    private static readonly string RealDump = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Inventory", "real-dump.sql"));

    [Fact]
    public void A_real_mariadb_dump_gives_its_tables_rows_views_routines_triggers_and_events()
    {
        Items(RealDump).Should().BeEquivalentTo(
        [
            new InventoryItem("drillpeek", "event", "e", null),
            new InventoryItem("drillpeek", "function", "f", null),
            new InventoryItem("drillpeek", "procedure", "p", null),
            new InventoryItem("drillpeek", "table", "t", 2),
            new InventoryItem("drillpeek", "trigger", "trg", null),
            new InventoryItem("drillpeek", "view", "v", null),
        ]);
    }

    [Fact]
    public void An_empty_comment_line_ends_at_its_newline_and_the_next_line_is_read_as_code()
    {
        // "--" and a newline is a whole comment; reading on to the next newline hid the CREATE TABLE after it.
        Items("USE `c`;\n--\nCREATE TABLE `t` (a int);\n--\nINSERT INTO `t` VALUES (1);\n").Should().Equal(new InventoryItem("c", "table", "t", 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Any_chunking_of_the_bytes_gives_the_same_inventory(int chunk)
    {
        var dump = RealDump + Hostile;
        Items(dump, chunk).Should().Equal(Items(dump));
    }

    private const string Hostile =
        """
        USE `hostile`;
        CREATE TABLE `t;x` (`a` int, `b` text);
        INSERT INTO `t;x` VALUES (1,'a;b),(c'),(2,'it\'s (x) \\'),(3,'say ''(hi)'', ok'),(4,"dq ;) \" ("),(5,0x28293B27),(6,X'2829'),(7,_binary 'b\0(\'');
        INSERT IGNORE INTO `t;x` VALUES (8,'-- not a comment ( '),(9,'/* not a comment ( */'),(10,'# not ( a comment');
        INSERT INTO `t;x` VALUES /* a (comment) ; */ (11,NULL) -- trailing (comment);
        ,(12,-1) # another ( one;
        ;
        INSERT INTO `t;x` (`a`,`b`) VALUES (13,CONCAT('(', ')'));
        REPLACE INTO `hostile`.`t;x` VALUES (14,'');
        CREATE TABLE `we``ird` (`a` int);
        INSERT INTO `we``ird` VALUE (1);
        CREATE TABLE `empty` (`a` int);
        """;

    [Fact]
    public void Semicolons_parentheses_quotes_escapes_comments_and_hex_in_rows_do_not_change_the_count()
    {
        Items(Hostile).Should().BeEquivalentTo(
        [
            new InventoryItem("hostile", "table", "empty", 0),
            new InventoryItem("hostile", "table", "t;x", 14),
            new InventoryItem("hostile", "table", "we`ird", 1),
        ]);
    }

    [Fact]
    public void A_routine_body_between_delimiters_is_one_statement_and_the_next_insert_still_counts()
    {
        const string dump =
            """
            USE `d`;
            DELIMITER ;;
            CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()
            BEGIN INSERT INTO t VALUES (1),(2); SELECT ';;' ; END ;;
            DELIMITER ;
            INSERT INTO `t` VALUES (1),(2),(3);
            """;

        Items(dump).Should().BeEquivalentTo([new InventoryItem("d", "procedure", "p", null), new InventoryItem("d", "table", "t", 3)]);
    }

    [Fact]
    public void Raw_binary_bytes_in_a_string_and_any_delimiter_keep_the_count()
    {
        var bytes = new List<byte>();
        bytes.AddRange("USE `bin`;\nINSERT INTO `r` VALUES (1,_binary '"u8.ToArray());
        for (var b = 0; b < 256; b++)
        {
            // mariadb-dump escapes the quote and the backslash (and a few control bytes); every other byte goes raw.
            bytes.AddRange(b switch { '\'' => "\\'"u8.ToArray(), '\\' => "\\\\"u8.ToArray(), _ => [(byte)b] });
        }

        bytes.AddRange("'),(2,'x');\nDELIMITER //\nCREATE DEFINER=`a`@`%` FUNCTION `f`() RETURNS int RETURN 1; //\nDELIMITER ;\nINSERT INTO `r` VALUES (3,'');\n"u8.ToArray());
        var inventory = new DumpInventory();
        inventory.Scan(bytes.ToArray());

        inventory.Complete()!.Items.Should().BeEquivalentTo([new InventoryItem("bin", "function", "f", null), new InventoryItem("bin", "table", "r", 3)]);
    }

    [Fact]
    public void A_delimiter_made_of_word_characters_ends_statements_as_in_the_client()
    {
        const string dump =
            """
            USE `d`;
            DELIMITER $$
            CREATE PROCEDURE `p`() BEGIN SELECT 1; END$$
            INSERT INTO `t` VALUES (1),(2)$$
            DELIMITER ;
            INSERT INTO `t` VALUES (3);
            """;

        Items(dump).Should().BeEquivalentTo([new InventoryItem("d", "procedure", "p", null), new InventoryItem("d", "table", "t", 3)]);
    }

    [Fact]
    public void Statements_inside_plain_comments_and_strings_are_not_objects()
    {
        const string dump =
            """
            USE `d`;
            /* CREATE TABLE `ghost` (a int); INSERT INTO `ghost` VALUES (1); */
            -- CREATE TABLE `ghost2` (a int);
            # INSERT INTO `ghost3` VALUES (1);
            SELECT 'CREATE TABLE `ghost4` (a int); INSERT INTO `ghost4` VALUES (1)';
            /*!40101 SET NAMES utf8mb4 */;
            CREATE TABLE `real` (a int);
            """;

        Items(dump).Should().BeEquivalentTo([new InventoryItem("d", "table", "real", 0)]);
    }

    [Fact]
    public void A_very_long_line_of_rows_is_counted_in_bounded_memory()
    {
        var value = new string('x', 3 << 20);
        var dump = new StringBuilder("USE `big`;\nCREATE TABLE `b` (a longtext);\nINSERT INTO `b` VALUES ");
        for (var i = 0; i < 5; i++)
        {
            dump.Append(i == 0 ? "" : ",").Append("('").Append(value).Append("(;')");
        }

        dump.Append(";\n");
        var bytes = Encoding.UTF8.GetBytes(dump.ToString());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var inventory = new DumpInventory();
        for (var i = 0; i < bytes.Length; i += 65536)
        {
            inventory.Scan(bytes.AsSpan(i, Math.Min(65536, bytes.Length - i)));
        }

        var items = inventory.Complete()!.Items;
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(64 << 10, "the scan keeps no line or value, only counts");
        items.Should().BeEquivalentTo([new InventoryItem("big", "table", "b", 5)]);
    }

    [Fact]
    public void System_schemas_are_left_out_and_a_placeholder_table_becomes_its_view()
    {
        const string dump =
            """
            USE `mysql`;
            CREATE TABLE `user` (a int);
            INSERT INTO `user` VALUES (1);
            USE `app`;
            CREATE TABLE `v` (`id` tinyint NOT NULL);
            /*!50001 DROP TABLE IF EXISTS `v`*/;
            /*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`%` SQL SECURITY DEFINER */ /*!50001 VIEW `v` AS select 1 AS `id` */;
            CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9 increment by 1 cache 10 nocycle ENGINE=InnoDB;
            """;

        Items(dump).Should().BeEquivalentTo([new InventoryItem("app", "view", "v", null)]);
    }

    [Fact]
    public void More_objects_than_a_manifest_records_give_no_inventory()
    {
        var dump = new StringBuilder("USE `many`;\n");
        for (var i = 0; i <= ContentInventory.MaxItems; i++)
        {
            dump.Append("CREATE TABLE `t").Append(i).Append("` (a int);\n");
        }

        var inventory = new DumpInventory();
        inventory.Scan(Encoding.UTF8.GetBytes(dump.ToString()));

        inventory.Complete().Should().BeNull();
        inventory.Overflowed.Should().BeTrue();
    }

    // mariadb-dump's view pass, when a database appeared after its table pass listed the databases: USE without CREATE.
    [Theory]
    [InlineData("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `a` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\nUSE `a`;\nCREATE TABLE `t` (x int);\nUSE `a`;\nUSE `late`;\n", "late")]
    [InlineData("CREATE DATABASE `a`;\nUSE `a`;\nCREATE SCHEMA IF NOT EXISTS `b`;\nUSE `b`;\n", null)]
    [InlineData("USE `a`;\nCREATE TABLE `t` (x int);\nUSE `b`;\n", null)]
    public void A_database_selected_but_never_created_is_named_unless_the_dump_creates_no_database(string dump, string? uncreated)
    {
        var inventory = new DumpInventory();
        inventory.Scan(Encoding.UTF8.GetBytes(dump));
        inventory.Complete();

        inventory.UncreatedSchema.Should().Be(uncreated);
    }

    [Fact]
    public void A_real_dump_creates_every_database_it_selects()
    {
        var inventory = new DumpInventory();
        inventory.Scan(Encoding.UTF8.GetBytes(RealDump));
        inventory.Complete();

        RealDump.Should().Contain("CREATE DATABASE").And.Contain("USE `drillpeek`");
        inventory.UncreatedSchema.Should().BeNull();
    }

    private static IReadOnlyList<InventoryItem> Items(string dump, int chunk = int.MaxValue)
    {
        var bytes = Encoding.UTF8.GetBytes(dump);
        var inventory = new DumpInventory();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            inventory.Scan(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        return inventory.Complete()!.Items;
    }
}
