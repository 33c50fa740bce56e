using System.Text;
using Backup.Plugins.MariaDbHa.Dump;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class DatabaseFilterSpecs
{
    private const string Header = "/*!40101 SET NAMES utf8mb4 */;\n";

    private static readonly string Dump =
        Header +
        "--\n-- Current Database: `shop`\n--\n\nCREATE DATABASE `shop`;\nUSE `shop`;\nINSERT INTO t VALUES (1,'shop row');\n" +
        "--\n-- Current Database: `blog`\n--\n\nCREATE DATABASE `blog`;\nUSE `blog`;\nINSERT INTO t VALUES (2,'blog row');\n" +
        "--\n-- Current Database: `we``ird`\n--\n\nUSE `we``ird`;\n";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1 << 16)]
    public void Only_the_header_and_the_chosen_sections_pass_whatever_the_read_size(int chunk)
    {
        var kept = Filter(Dump, chunk, "blog");

        // A section ends after the next one's marker line, a comment: what comes after the marker is not loaded.
        kept.Should().StartWith(Header).And.Contain("INSERT INTO t VALUES (2,'blog row');").And.NotContain("shop row").And.NotContain("USE `we``ird`");
    }

    [Fact]
    public void The_catalog_lists_every_section_once_in_dump_order_with_doubled_backticks_undone()
    {
        Catalog(Dump + "--\n-- Current Database: `shop`\n--\n").Should().Equal("shop", "blog", "we`ird");
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES ('\n-- Current Database: `evil`\n');\n")]
    [InlineData("INSERT INTO t VALUES (\"\n-- Current Database: `evil`\n\");\n")]
    [InlineData("INSERT INTO t VALUES ('it\\'s\n-- Current Database: `evil`\n');\n")]
    [InlineData("INSERT INTO t VALUES ('a''\n-- Current Database: `evil`\n');\n")]
    [InlineData("CREATE TABLE `x\n-- Current Database: `evil`\n` (a int);\n")]
    [InlineData("/* a comment\n-- Current Database: `evil`\n*/\n")]
    [InlineData("/*!50003 SET x='\n-- Current Database: `evil`\n' */;\n")]
    [InlineData("INSERT INTO t VALUES (1)\n-- Current Database: `evil`\n;\n")]
    [InlineData("DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1;\n-- Current Database: `evil`\nSELECT 2; END ;;\nDELIMITER ;\n")]
    public void A_marker_inside_a_string_a_comment_or_an_unfinished_statement_does_not_switch_sections(string hostile)
    {
        var dump = Header + "--\n-- Current Database: `shop`\n--\n" + hostile + "INSERT INTO t VALUES (3,'after');\n--\n-- Current Database: `blog`\n--\nINSERT INTO t VALUES (4,'blog');\n";

        Catalog(dump).Should().Equal("shop", "blog");
        var kept = Filter(dump, 5, "shop");
        kept.Should().Contain(hostile).And.Contain("(3,'after')").And.NotContain("(4,'blog')");
    }

    [Fact]
    public void After_a_routine_block_the_default_delimiter_is_back_and_markers_count_again()
    {
        var dump = Header + "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; END ;;\nDELIMITER ;\n--\n-- Current Database: `blog`\n--\nSELECT 2;\n";

        Catalog(dump).Should().Equal("blog");
    }

    [Fact]
    public void A_huge_line_without_newlines_is_scanned_in_bounded_steps()
    {
        var dump = Header + "--\n-- Current Database: `a`\n--\nINSERT INTO t VALUES ('" + new string('x', 3 << 20) + "');\n--\n-- Current Database: `b`\n--\n";

        Catalog(dump).Should().Equal("a", "b");
        Filter(dump, 1 << 16, "b").Length.Should().BeLessThan(200);
    }

    private static string Filter(string dump, int chunk, params string[] databases)
    {
        using var filter = new DatabaseFilterStream(new ChunkedStream(Encoding.UTF8.GetBytes(dump), chunk), databases.ToHashSet());
        using var output = new MemoryStream();
        filter.CopyTo(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static IReadOnlyList<string> Catalog(string dump)
    {
        var sections = new DumpSections();
        var bytes = Encoding.UTF8.GetBytes(dump);
        for (var i = 0; i < bytes.Length; i += 3)
        {
            sections.Feed(bytes.AsSpan(i, Math.Min(3, bytes.Length - i)), static (_, _) => { });
        }

        sections.Complete();
        return sections.Databases;
    }

    /// <summary>Returns at most <paramref name="chunk"/> bytes per read, as a network stream may.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
