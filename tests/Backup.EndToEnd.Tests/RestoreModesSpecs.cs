using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backup.Testing;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Restores of real backups of the test MariaDB server through the published host, in every mode: staged (temp holds
/// the compressed archive, nothing more), <c>--no-staging</c> (temp holds nothing; the second download is checked
/// again), and <c>--database</c> (only the named databases' sections load; the rest of the target is left alone),
/// for the archive and streaming layouts. Every restore names its databases, so the shared target keeps what other
/// specs loaded.
/// </summary>
[Collection(RestoreTargetCollection.Name)]
public sealed partial class RestoreModesSpecs : IAsyncLifetime
{
    private const string Job = "modes";
    private readonly TempDir _dir = new("backup-modes-");
    private readonly string _name = $"rm_{Guid.NewGuid():N}"[..16];
    private string _pluginsDirectory = "";

    private string A => _name + "_a";

    private string B => _name + "_b";

    private string C => _name + "_c";

    private string Store => _dir.Combine("store");

    public async Task InitializeAsync()
    {
        _pluginsDirectory = await MariaDbHaPlugins.ComposeAsync(_dir.Path);
        try
        {
            foreach (var database in new[] { A, B, C })
            {
                await ExecuteAsync(TestServers.MariaDbPort, $"CREATE DATABASE {database}");
                await ExecuteAsync(TestServers.MariaDbPort, $"CREATE TABLE {database}.rows_ (id INT PRIMARY KEY, note TEXT)");
                await ExecuteAsync(TestServers.MariaDbPort, $"INSERT INTO {database}.rows_ SELECT seq, CONCAT('{database} row ', seq) FROM {database}.seq_1_to_2000");
            }

            // A row whose text is a section marker: mariadb-dump writes it inside a quoted string, where it must not count.
            await ExecuteAsync(TestServers.MariaDbPort, $"INSERT INTO {A}.rows_ VALUES (0, '\n-- Current Database: `{C}`\n')");
        }
        catch
        {
            // xUnit does not dispose a class whose initialisation failed: the shared servers must not keep its databases.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var database in new[] { A, B, C, _name + "_t" })
        {
            await ExecuteAsync(TestServers.MariaDbPort, $"DROP DATABASE IF EXISTS {database}");
            await ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {database}");
        }

        _dir.Dispose();
    }

    [Theory]
    [InlineData("archive", "gzip", ".tar.gz", true)]
    [InlineData("archive", "gzip", ".tar.gz", false)]
    [InlineData("streaming", "gzip", ".sql.gz", true)]
    [InlineData("streaming", "zstd", ".sql.zst", false)]
    public async Task A_database_restores_row_for_row_with_temp_holding_the_compressed_archive_or_nothing(string mode, string compression, string suffix, bool staged)
    {
        var spec = Spec(mode, compression);
        var id = await BackupAsync(spec);
        var archive = Path.Combine(Store, Job, id + suffix);

        var restore = await RestoreAsync(spec, id, staged, "--database", A);

        restore.ExitCode.Should().Be(0, restore.StandardError);
        (await ChecksumAsync(TestServers.RestorePort, A)).Should().Be(await ChecksumAsync(TestServers.MariaDbPort, A));
        (await DatabaseExistsAsync(B)).Should().BeFalse("only the named database loads");
        (await DatabaseExistsAsync(C)).Should().BeFalse("a marker inside a row's text does not open a section");
        var temp = TempUsed(restore);
        if (staged)
        {
            temp.Should().Be(new FileInfo(archive).Length, "staging keeps the compressed archive in temp and nothing else");
            temp.Should().BeLessThan(RawSize(id) / 2, "the raw dump is never written to temp");
        }
        else
        {
            temp.Should().Be(0, "--no-staging keeps nothing in temp");
        }

        Directory.EnumerateFileSystemEntries(_dir.Combine("tmp")).Should().BeEmpty("the workspace is removed after the restore");
    }

    [Fact]
    public async Task A_list_of_databases_loads_exactly_those_and_leaves_the_targets_other_databases_untouched()
    {
        var untouched = _name + "_t";
        await ExecuteAsync(TestServers.RestorePort, $"CREATE DATABASE {untouched}");
        await ExecuteAsync(TestServers.RestorePort, $"CREATE TABLE {untouched}.kept (id INT PRIMARY KEY)");
        await ExecuteAsync(TestServers.RestorePort, $"INSERT INTO {untouched}.kept SELECT seq FROM {untouched}.seq_1_to_500");
        var before = await ChecksumAsync(TestServers.RestorePort, untouched, "kept");
        var spec = Spec("archive", "gzip");
        var id = await BackupAsync(spec);

        // The target holds other databases but none of the named ones: that is empty enough, no --force needed.
        var restore = await RestoreAsync(spec, id, staged: true, "--database", $"{A},{B}");
        var again = await RestoreAsync(spec, id, staged: true, "--database", A, "--database", B);
        var forced = await RestoreAsync(spec, id, staged: false, "--database", A, "--database", B, "--force");

        restore.ExitCode.Should().Be(0, restore.StandardError);
        again.ExitCode.Should().Be(8, again.StandardError);
        again.ErrorLines().Should().ContainSingle().Which.Should().Contain("is not empty").And.Contain(A).And.Contain(B).And.NotContain(untouched);
        forced.ExitCode.Should().Be(0, forced.StandardError);
        foreach (var database in new[] { A, B })
        {
            (await ChecksumAsync(TestServers.RestorePort, database)).Should().Be(await ChecksumAsync(TestServers.MariaDbPort, database));
        }

        (await DatabaseExistsAsync(C)).Should().BeFalse();
        (await ChecksumAsync(TestServers.RestorePort, untouched, "kept")).Should().Be(before, "a database the restore was not asked for is left alone");
    }

    [Fact]
    public async Task An_unknown_database_is_one_line_listing_what_the_backup_holds_and_loads_nothing()
    {
        var spec = Spec("streaming", "gzip");
        var id = await BackupAsync(spec);

        var restore = await RestoreAsync(spec, id, staged: true, "--database", $"{A},{_name}_nope");

        restore.ExitCode.Should().Be(8, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should()
            .Contain($"has no database {_name}_nope: it holds ").And.Contain(A).And.Contain(B).And.EndWith("nothing was loaded");
        (await DatabaseExistsAsync(A)).Should().BeFalse();
    }

    [Fact]
    public async Task A_name_that_cannot_be_a_database_is_exit_2_and_one_line_before_anything_is_read()
    {
        var restore = await RestoreAsync(Spec("archive", "gzip"), Job + "-20240101T000000Z", staged: true, "--database", $"{A},,{B}");

        restore.ExitCode.Should().Be(2, restore.StandardError);
        restore.ErrorLines().Should().Equal("error: --database: '' is not a database name (1 to 64 characters, no control characters)");
    }

    [Theory]
    [InlineData("archive", "gzip", ".tar.gz", true)]
    [InlineData("streaming", "zstd", ".sql.zst", false)]
    public async Task A_flipped_byte_in_the_stored_archive_is_exit_7_and_loads_nothing_in_either_mode(string mode, string compression, string suffix, bool staged)
    {
        var spec = Spec(mode, compression);
        var id = await BackupAsync(spec);
        var archive = Path.Combine(Store, Job, id + suffix);
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(archive, bytes);

        var restore = await RestoreAsync(spec, id, staged, "--database", A);

        restore.ExitCode.Should().Be(7, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should().Contain("is corrupted or truncated");
        (await DatabaseExistsAsync(A)).Should().BeFalse("nothing loads from a damaged backup");
    }

    [Theory]
    [InlineData("archive", "gzip", ".tar.gz", 0)]
    [InlineData("archive", "gzip", ".tar.gz", null)]
    [InlineData("streaming", "gzip", ".sql.gz", null)]
    public async Task An_object_replaced_between_the_two_downloads_of_no_staging_stops_the_load_with_exit_7(string mode, string compression, string suffix, int? chunkMiB)
    {
        var spec = Spec(mode, compression, chunkMiB);
        var id = await BackupAsync(spec);
        await ExecuteAsync(TestServers.MariaDbPort, $"INSERT INTO {A}.rows_ VALUES (-1, 'added later')");
        var other = await BackupAsync(spec);
        var archive = Path.Combine(Store, Job, id + suffix);

        // The client's first run (the target check) comes after the verifying download and before the second one.
        var restore = await RestoreAsync(spec, id, staged: false, ReplaceOnFirstClientRun(Path.Combine(Store, Job, other + suffix), archive), "--database", A);

        restore.ExitCode.Should().Be(7, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should().Contain("is not what was verified").And.Contain("restore again into an empty target");
        if (chunkMiB == 0)
        {
            // In the whole-entry layout the manifest comes first in the tar: the change is seen before any entry is read.
            (await DatabaseExistsAsync(A)).Should().BeFalse();
        }

        // Otherwise (chunked tar: manifest last; streamed entry) the entry is checked at its end (held back until then):
        // what came before it may be loaded, as the docs say.
    }

    [Fact]
    public async Task A_marker_line_inside_a_quoted_string_of_a_forged_dump_does_not_switch_sections()
    {
        // mariadb-dump writes a newline in a string as \n, but anyone who can write to the bucket can write a real one.
        var text = $"x\n-- Current Database: `{C}`\nCREATE DATABASE `{C}`;\n";
        var dump = $"--\n-- Current Database: `{A}`\n--\nCREATE DATABASE `{A}`;\nUSE `{A}`;\nCREATE TABLE rows_ (note TEXT);\nINSERT INTO rows_ VALUES ('{text}');\n" +
                   $"--\n-- Current Database: `{C}`\n--\nCREATE DATABASE `{C}`;\n";
        const string id = Job + "-20240101T000000Z";
        ForgedBackup.Write(Store, Job, Job, id, dump);
        var spec = Spec("archive", "gzip");

        var onlyA = await RestoreAsync(spec, id, staged: true, "--database", A);
        var aThere = await DatabaseExistsAsync(A);
        var cThere = await DatabaseExistsAsync(C);
        await ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {A}");
        var onlyC = await RestoreAsync(spec, id, staged: false, "--database", C);

        onlyA.ExitCode.Should().Be(0, onlyA.StandardError);
        (aThere, cThere).Should().Be((true, false));
        onlyC.ExitCode.Should().Be(0, onlyC.StandardError);
        (await DatabaseExistsAsync(C)).Should().BeTrue();
        (await DatabaseExistsAsync(A)).Should().BeFalse("the string's marker is A's text, not a section");
    }

    private string Spec(string mode, string compression, int? chunkMiB = null)
    {
        var path = _dir.Combine($"job-{mode}-{compression}-{chunkMiB}.yaml");
        File.WriteAllText(
            path,
            $"name: {Job}\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {Store}\nartifact:\n  prefix: {Job}\n" +
            $"tempDirectory: {_dir.Combine("tmp")}\npipeline:\n  mode: {mode}\n  compression: {compression}\n" + (chunkMiB is { } c ? $"  archiveChunkMiB: {c}\n" : ""));
        return path;
    }

    private async Task<string> BackupAsync(string spec)
    {
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);
        return run.StandardOutput.Split(' ')[0];
    }

    private Task<BufferedCommandResult> RestoreAsync(string spec, string id, bool staged, params string[] extra) =>
        RestoreAsync(spec, id, staged, null, extra);

    private Task<BufferedCommandResult> RestoreAsync(string spec, string id, bool staged, IReadOnlyDictionary<string, string?>? environment, params string[] extra) =>
        Host(
            [
                "restore", "--spec", spec, "--id", id, "--target-host", TestServers.MariaDbHost,
                "--target-port", TestServers.RestorePort.ToString(CultureInfo.InvariantCulture), .. staged ? Array.Empty<string>() : ["--no-staging"], .. extra,
            ],
            environment);

    private Task<BufferedCommandResult> Host(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        PublishedHost.RunAsync([.. arguments, "--plugins-dir", _pluginsDirectory], environment);

    /// <summary>A <c>mariadb</c> first on PATH that, on its first run only, moves <paramref name="replacement"/> over <paramref name="target"/>, then runs the real client.</summary>
    private Dictionary<string, string?> ReplaceOnFirstClientRun(string replacement, string target)
    {
        var real = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mariadb")).First(File.Exists);
        var bin = Directory.CreateDirectory(_dir.Combine("bin")).FullName;
        var shim = Path.Combine(bin, "mariadb");
        File.WriteAllText(shim, $"#!/bin/sh\nif [ -e '{replacement}' ]; then mv '{replacement}' '{target}'; fi\nexec '{real}' \"$@\"\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Dictionary<string, string?> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
    }

    private static long TempUsed(BufferedCommandResult restore) =>
        long.Parse(TempUsedLine().Match(restore.StandardOutput).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>The dump's raw size, from the manifest beside the archive.</summary>
    private long RawSize(string id)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Store, Job, id + ".manifest.json")));
        return manifest.RootElement.GetProperty("entries").EnumerateArray().Sum(e => e.GetProperty("size").GetInt64());
    }

    [GeneratedRegex(@"temp used: (\d+) bytes")]
    private static partial Regex TempUsedLine();

    private async Task<bool> DatabaseExistsAsync(string database) =>
        await ScalarAsync(TestServers.RestorePort, $"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{database}'") == "1";

    private static async Task<string> ChecksumAsync(int port, string database, string table = "rows_")
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand($"CHECKSUM TABLE {database}.{table} EXTENDED", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        return reader.GetValue(1)?.ToString() ?? "null";
    }

    private static async Task<string?> ScalarAsync(int port, string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private static async Task ExecuteAsync(int port, string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
