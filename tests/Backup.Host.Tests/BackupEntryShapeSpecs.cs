using Backup.Abstractions;

namespace Backup.Host.Tests;

/// <summary>The rule for a declared entry shape (contract 1.3): one place for the host that names objects after it and the sources that declare it.</summary>
public sealed class BackupEntryShapeSpecs
{
    [Theory]
    [InlineData("sql")]
    [InlineData("mbstream")]
    [InlineData("xbstream2")]
    [InlineData("abcdefghijklmnop")]
    public void An_extension_of_lower_case_letters_and_digits_names_a_streaming_object(string extension)
    {
        BackupEntryShape.ExtensionProblem(extension).Should().BeNull();
        new BackupEntryShape("backup.bin", extension).Extension.Should().Be(extension);
    }

    [Theory]
    [InlineData("", "must be 1 to 16 lower-case letters or digits")]
    [InlineData(".sql", "must be 1 to 16 lower-case letters or digits")]
    [InlineData("sql.gz", "must be 1 to 16 lower-case letters or digits")]
    [InlineData("SQL", "must be 1 to 16 lower-case letters or digits")]
    [InlineData("a/b", "must be 1 to 16 lower-case letters or digits")]
    [InlineData("abcdefghijklmnopq", "must be 1 to 16 lower-case letters or digits")]
    [InlineData("tar", "taken by archive mode's .tar.gz")]
    public void Any_other_extension_is_refused_with_the_reason(string extension, string reason)
    {
        BackupEntryShape.ExtensionProblem(extension).Should().Contain(reason);
        var declare = () => new BackupEntryShape("backup.bin", extension);
        declare.Should().Throw<ArgumentException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void A_single_entry_is_named_by_the_entry_name_rule_and_several_entries_have_no_name()
    {
        new BackupEntryShape("backup.mbstream", "mbstream").IsSingleEntry.Should().BeTrue();
        new BackupEntryShape(null, "sql").IsSingleEntry.Should().BeFalse();
        var reserved = () => new BackupEntryShape(BackupEntryName.Reserved, "json");
        var nested = () => new BackupEntryShape("dir/backup.sql", "sql");
        reserved.Should().Throw<ArgumentException>();
        nested.Should().Throw<ArgumentException>();
    }
}
