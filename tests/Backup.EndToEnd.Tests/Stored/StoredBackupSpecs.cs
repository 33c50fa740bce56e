using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backup.Abstractions;
using Backup.Testing;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.EndToEnd.Tests.Stored;

/// <summary>
/// list, verify, restore and prune through the published host, against one storage plugin: the same specs run for
/// every storage. A storage's subclass supplies <see cref="Storage"/> (its settings pointing at the real store or
/// emulator) and must carry <c>[Collection(RestoreTargetCollection.Name)]</c>, because restores load into the shared
/// restore server. Each test works under its own prefix, so a bucket can be shared.
/// </summary>
public abstract class StoredBackupSpecs : IAsyncLifetime
{
    /// <summary>The job name every spec here uses.</summary>
    protected const string Job = "e2e";
    private readonly string _database = $"stored_{Guid.NewGuid():N}"[..20];
    private string _pluginsDirectory = "";
    private IBackupStorage? _store;

    /// <summary>The test's private directory (spec, temp files, a local store).</summary>
    protected TempDir Dir { get; } = new("backup-stored-");

    /// <summary>The storage plugin under test.</summary>
    protected abstract StorageUnderTest Storage { get; }

    /// <summary>The key prefix of this test's backups.</summary>
    protected string Prefix { get; } = $"it-{Guid.NewGuid():N}";

    /// <summary>What unfinished uploads under <paramref name="prefix"/> left on the store that a listing does not show (pending multipart uploads, temporary files); none by default.</summary>
    protected virtual Task<IReadOnlyList<string>> UnfinishedUploadsAsync(string prefix) => Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The line the storage plugin logs when it cleans up an abandoned upload of <paramref name="key"/> (aborting an S3 multipart upload), if it logs one.</summary>
    protected virtual string? AbandonedUploadLine(string key) => null;

    /// <summary>Readies the store before <see cref="Storage"/> is read (start an in-process server, create a container); nothing by default.</summary>
    protected virtual Task PrepareStorageAsync() => Task.CompletedTask;

    private IReadableBackupStorage Readable => (IReadableBackupStorage)_store!;

    private IDeletableBackupStorage Deletable => (IDeletableBackupStorage)_store!;

    public async Task InitializeAsync()
    {
        await PrepareStorageAsync();
        var plugins = new[]
        {
            await PublishedHost.PluginFolderAsync(Storage.AssemblyName),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"),
            await PublishedHost.FakeSourcePluginAsync(),
        };
        _pluginsDirectory = PublishedHost.ComposePluginsDirectory(Dir.Path, [.. plugins.Distinct()]);
        _store = Storage.CreateStorage();
        _store.Should().BeAssignableTo<IReadableBackupStorage>().And.BeAssignableTo<IDeletableBackupStorage>("list, verify, restore and prune need both capabilities");
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await foreach (var stored in Readable.ListAsync(Prefix + "/", CancellationToken.None))
            {
                await Deletable.DeleteAsync(stored.Key, CancellationToken.None);
            }
        }

        await DropAsync(TestServers.MariaDbPort);
        await DropAsync(TestServers.RestorePort);
        Dir.Dispose();
    }

    [Fact]
    public async Task A_backup_is_listed_verified_and_restored_row_for_row_and_a_non_empty_target_is_refused_without_force()
    {
        await SeedSourceAsync();
        var shims = ClientShim();
        var spec = WriteSpec(MariaDbSource);
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);

        var list = await Host(["list", "--spec", spec, "--output", "json"]);
        list.ExitCode.Should().Be(0, list.StandardError);
        var listed = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().Should().ContainSingle().Subject;
        var id = listed.GetProperty("id").GetString()!;
        id.Should().MatchRegex($@"^{Job}-\d{{8}}T\d{{6}}Z-[0-9a-f]{{6}}$");
        listed.GetProperty("checksum").GetString().Should().Be("complete");
        listed.GetProperty("node").GetString().Should().Be($"{TestServers.MariaDbHost}:{TestServers.MariaDbPort}");
        listed.GetProperty("size").GetInt64().Should().BeGreaterThan(0);

        var verify = await Host(["verify", "--spec", spec, "--latest"]);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().StartWith($"{id} ok: sha1 ");

        // A database holding a table on the target makes it non-empty: without --force nothing is loaded. The message names the first
        // ten databases in order, and the shared target holds what other tests restored: "0" sorts before all of them.
        var marker = "0" + _database + "_m";
        await ExecuteAsync(TestServers.RestorePort, $"CREATE DATABASE IF NOT EXISTS {marker}");
        // An empty schema is not data (a fresh server's `test`): a table makes it so.
        await ExecuteAsync(TestServers.RestorePort, $"CREATE TABLE IF NOT EXISTS {marker}.t (a INT)");
        try
        {
            var refused = await Host(["restore", "--spec", spec, "--id", id, "--target-port", Port(TestServers.RestorePort)], shims);
            refused.ExitCode.Should().Be(8, refused.StandardError);
            ErrorLines(refused).Should().ContainSingle().Which.Should().Contain("is not empty").And.Contain(marker).And.Contain("--force");
            (await DatabaseExistsAsync(TestServers.RestorePort, _database)).Should().BeFalse("a refused restore loads nothing");
        }
        finally
        {
            await ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {marker}");
        }

        // The shared restore server may hold what other restore specs loaded, hence --force.
        var restore = await Host(["restore", "--spec", spec, "--latest", "--target-host", TestServers.MariaDbHost, "--target-port", Port(TestServers.RestorePort), "--force"], shims);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        foreach (var table in new[] { "people", "payments" })
        {
            (await ChecksumAsync(TestServers.RestorePort, table)).Should().Be(await ChecksumAsync(TestServers.MariaDbPort, table), $"{table} must come back row for row");
        }

        var argv = await File.ReadAllTextAsync(Dir.Combine("client-argv.txt"));
        argv.Should().NotContain(TestServers.MariaDbPassword).And.Contain("--defaults-extra-file=");
        (restore.StandardError + restore.StandardOutput).Should().NotContain(TestServers.MariaDbPassword);
    }

    [Fact]
    public async Task A_backup_in_several_chunks_is_uploaded_while_dumped_then_verified_and_restored_row_for_row()
    {
        await SeedSourceAsync();
        // ~2.6 MB of dump: several chunks of 1 MiB, each compressed and uploaded while the next one is dumped.
        await ExecuteAsync(TestServers.MariaDbPort, $"CREATE TABLE {_database}.notes (id INT PRIMARY KEY, body TEXT NOT NULL)");
        await ExecuteAsync(TestServers.MariaDbPort, $"INSERT INTO {_database}.notes SELECT seq, REPEAT(MD5(seq), 25) FROM {_database}.seq_1_to_3000");
        var spec = WriteSpec(MariaDbSource, "pipeline:\n  archiveChunkMiB: 1\n");
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var id = run.StandardOutput.Split(' ')[0];
        (await KeysAsync()).Should().BeEquivalentTo(Objects(id, complete: true));
        var manifest = JsonDocument.Parse(await ReadAsync($"{Prefix}/{id}.manifest.json")).RootElement;
        manifest.GetProperty("entries")[0].GetProperty("chunks").GetInt32().Should().BeGreaterThan(2);

        var verify = await Host(["verify", "--spec", spec, "--id", id]);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().StartWith($"{id} ok: sha1 ");

        var restore = await Host(["restore", "--spec", spec, "--id", id, "--target-port", Port(TestServers.RestorePort), "--force"]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        foreach (var table in new[] { "people", "notes" })
        {
            (await ChecksumAsync(TestServers.RestorePort, table)).Should().Be(await ChecksumAsync(TestServers.MariaDbPort, table), $"{table} must come back row for row");
        }
    }

    [Theory]
    [InlineData("gzip", ".sql.gz")]
    [InlineData("zstd", ".sql.zst")]
    public async Task A_streaming_backup_is_listed_verified_restored_row_for_row_pruned_whole_and_a_flipped_byte_fails_verify(string compression, string suffix)
    {
        await SeedSourceAsync();
        var old = $"{Job}-20240101T000000Z";
        await PutBackupAsync(old, complete: true, suffix: suffix);
        var streaming = $"pipeline:\n  mode: streaming\n  compression: {compression}\n";
        var spec = WriteSpec(MariaDbSource, streaming);
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var id = run.StandardOutput.Split(' ')[0];

        var list = await Host(["list", "--spec", spec, "--output", "json"]);
        list.ExitCode.Should().Be(0, list.StandardError);
        var rows = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().ToList();
        rows.Select(r => (r.GetProperty("id").GetString(), r.GetProperty("checksum").GetString())).Should().Equal((id, "complete"), (old, "complete"));
        rows[0].GetProperty("key").GetString().Should().Be($"{Prefix}/{id}{suffix}");
        rows[0].GetProperty("node").GetString().Should().Be($"{TestServers.MariaDbHost}:{TestServers.MariaDbPort}");

        var verify = await Host(["verify", "--spec", spec, "--id", id]);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().StartWith($"{id} ok: sha1 ");

        var restore = await Host(["restore", "--spec", spec, "--id", id, "--target-host", TestServers.MariaDbHost, "--target-port", Port(TestServers.RestorePort), "--force"]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        foreach (var table in new[] { "people", "payments" })
        {
            (await ChecksumAsync(TestServers.RestorePort, table)).Should().Be(await ChecksumAsync(TestServers.MariaDbPort, table), $"{table} must come back row for row");
        }

        var prune = await Host(["prune", "--spec", WriteSpec(MariaDbSource, streaming + "retention:\n  keepLast: 1\n")]);
        prune.ExitCode.Should().Be(0, prune.StandardError);
        (await KeysAsync()).Should().BeEquivalentTo(Objects(id, complete: true, suffix), "every object of the old streaming backup goes, the new one stays whole");

        var archive = $"{Prefix}/{id}{suffix}";
        var bytes = await ReadAsync(archive);
        bytes[bytes.Length / 2] ^= 0x01;
        await WriteAsync(archive, bytes);
        var damaged = await Host(["verify", "--spec", spec, "--latest"]);
        damaged.ExitCode.Should().Be(7, damaged.StandardError);
        ErrorLines(damaged).Should().ContainSingle().Which.Should().Contain("is corrupted or truncated");
    }

    [Fact]
    public async Task A_streaming_run_whose_source_fails_part_way_and_writes_again_stores_only_the_second_attempt_and_it_verifies()
    {
        // 20 MB of random bytes (they do not compress) go into the upload before the source fails, more than the pipes
        // hold: an S3 multipart upload has parts, a local upload a temporary file, when that attempt is abandoned.
        var spec = WriteSpec(FakeSource("entries: 1\n    bytes: 40000000\n    behaviour: retry"), "pipeline:\n  mode: streaming\n");

        var run = await Host(["run", "--spec", spec]);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardError.Should().Contain("Entry entry-0.bin failed after it went into the upload; abandoning that upload (nothing of it is stored) and starting again with entry entry-0.bin");
        var id = run.StandardOutput.Split(' ')[0];
        (await KeysAsync()).Should().BeEquivalentTo(Objects(id, complete: true, ".sql.gz"));
        (await UnfinishedUploadsAsync(Prefix + "/")).Should().BeEmpty("the abandoned attempt must leave nothing behind");
        if (AbandonedUploadLine($"{Prefix}/{id}.sql.gz") is { } cleanedUp)
        {
            run.StandardError.Should().Contain(cleanedUp);
        }

        var verify = await Host(["verify", "--spec", spec, "--id", id]);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        // The entry's SHA-1 in the manifest covers the second attempt's bytes only: the object holds exactly those.
        var entry = JsonDocument.Parse(await ReadAsync($"{Prefix}/{id}.manifest.json")).RootElement.GetProperty("entries").EnumerateArray().Should().ContainSingle().Subject;
        using var plain = new MemoryStream();
        await new GZipStream(new MemoryStream(await ReadAsync($"{Prefix}/{id}.sql.gz")), CompressionMode.Decompress).CopyToAsync(plain);
        (entry.GetProperty("name").GetString(), entry.GetProperty("size").GetInt64(), entry.GetProperty("sha1").GetString())
            .Should().Be(("entry-0.bin", 40_000_000L, Convert.ToHexStringLower(SHA1.HashData(plain.ToArray()))));
    }

    [Fact]
    public async Task A_flipped_byte_in_the_stored_archive_fails_verify_and_restore_and_loads_nothing()
    {
        await SeedSourceAsync();
        var spec = WriteSpec(MariaDbSource);
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);
        var archive = await SingleKeyAsync(".tar.gz");
        var bytes = await ReadAsync(archive);
        bytes[bytes.Length / 2] ^= 0x01;
        await WriteAsync(archive, bytes);
        var before = await DatabasesAsync(TestServers.RestorePort);

        var verify = await Host(["verify", "--spec", spec, "--latest"]);
        var restore = await Host(["restore", "--spec", spec, "--latest", "--target-port", Port(TestServers.RestorePort), "--force"]);

        verify.ExitCode.Should().Be(7, verify.StandardError);
        ErrorLines(verify).Should().ContainSingle().Which.Should().Contain("is corrupted or truncated");
        restore.ExitCode.Should().Be(7, restore.StandardError);
        ErrorLines(restore).Should().ContainSingle().Which.Should().Contain("is corrupted or truncated");
        (await DatabasesAsync(TestServers.RestorePort)).Should().Equal(before, "nothing may be loaded from a damaged backup, not even with --force");
        (await DatabaseExistsAsync(TestServers.RestorePort, _database)).Should().BeFalse();
    }

    [Fact]
    public async Task An_encrypted_backup_is_stored_as_age_that_age_decrypts_verify_checks_its_contents_only_with_the_key_and_a_flipped_byte_fails()
    {
        var key = await AgeKeyPair.CreateAsync(Dir);
        var spec = WriteSpec(FakeSource("entries: 2\n    bytes: 100000"), key.EncryptionSection);
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var id = run.StandardOutput.Split(' ')[0];
        (await KeysAsync()).Should().BeEquivalentTo(Objects(id, complete: true, ".tar.gz.age"));

        var archive = $"{Prefix}/{id}.tar.gz.age";
        var bytes = await ReadAsync(archive);
        var sha1 = await key.AssertOpensAsync(bytes, Path.GetFileName(archive), Encoding.ASCII.GetString(await ReadAsync(archive + ".sha1")));
        await key.AssertVerifyChecksContentsOnlyWithTheKeyAsync(spec, sha1, () => Host(["verify", "--spec", spec, "--latest"]));

        bytes[bytes.Length / 2] ^= 0x01;
        await WriteAsync(archive, bytes);
        var damaged = await Host(["verify", "--spec", spec, "--latest"]);
        damaged.ExitCode.Should().Be(7, damaged.StandardError);
        ErrorLines(damaged).Should().ContainSingle().Which.Should().Contain("is corrupted or truncated");
    }

    [Fact]
    public async Task A_truncated_archive_is_reported_as_corrupted_or_truncated()
    {
        var spec = WriteSpec(FakeSource("entries: 2\n    bytes: 200000"));
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);
        var archive = await SingleKeyAsync(".tar.gz");
        var bytes = await ReadAsync(archive);
        await WriteAsync(archive, bytes[..(bytes.Length - 100)]);

        var verify = await Host(["verify", "--spec", spec, "--latest"]);

        verify.ExitCode.Should().Be(7, verify.StandardError);
        ErrorLines(verify).Should().ContainSingle().Which.Should().Contain("is corrupted or truncated").And.Contain($"({bytes.Length - 100:N0} bytes)");
    }

    [Theory]
    [InlineData("gzip", ".sql.gz")]
    [InlineData("zstd", ".sql.zst")]
    public async Task A_truncated_streaming_backup_is_reported_as_corrupted_or_truncated(string compression, string suffix)
    {
        // zstd's stream decoder ends quietly at the end of its input even inside a frame: the object's size and SHA-1 must catch it.
        var spec = WriteSpec(FakeSource("entries: 1\n    bytes: 3000000"), $"pipeline:\n  mode: streaming\n  compression: {compression}\n");
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);
        var archive = await SingleKeyAsync(suffix);
        var bytes = await ReadAsync(archive);
        await WriteAsync(archive, bytes[..(bytes.Length - 100)]);

        var verify = await Host(["verify", "--spec", spec, "--latest"]);

        verify.ExitCode.Should().Be(7, verify.StandardError);
        ErrorLines(verify).Should().ContainSingle().Which.Should().Contain("is corrupted or truncated").And.Contain($"({bytes.Length - 100:N0} bytes)");
    }

    [Fact]
    public async Task List_as_json_shows_every_backup_newest_first_and_one_without_its_sha1_as_incomplete()
    {
        var spec = WriteSpec(FakeSource("entries: 1"));
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);
        var newest = (await SingleKeyAsync(".tar.gz"))[(Prefix.Length + 1)..^".tar.gz".Length];
        await PutBackupAsync($"{Job}-20240101T000000Z", complete: true, archiveBytes: 10);
        await PutBackupAsync($"{Job}-20250101T000000Z", complete: false, archiveBytes: 20);

        var list = await Host(["list", "--spec", spec, "-o", "json"]);
        var verifyIncomplete = await Host(["verify", "--spec", spec, "--id", $"{Job}-20250101T000000Z"]);

        list.ExitCode.Should().Be(0, list.StandardError);
        var rows = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray()
            .Select(e => (Id: e.GetProperty("id").GetString(), Checksum: e.GetProperty("checksum").GetString(), Size: e.GetProperty("size").GetInt64()))
            .ToList();
        rows.Select(r => (r.Id, r.Checksum)).Should().Equal((newest, "complete"), ($"{Job}-20250101T000000Z", "incomplete"), ($"{Job}-20240101T000000Z", "complete"));
        rows[1].Size.Should().Be(20);
        verifyIncomplete.ExitCode.Should().Be(7);
        ErrorLines(verifyIncomplete).Should().ContainSingle().Which.Should().Contain("is incomplete");
    }

    [Fact]
    public async Task Prune_keeps_exactly_what_the_policy_keeps_and_never_touches_objects_of_other_names()
    {
        string[] complete = ["20260315T100000Z", "20260315T080000Z", "20260314T230000Z", "20260310T120000Z", "20260302T120000Z", "20260220T120000Z", "20260131T120000Z", "20251231T120000Z"];
        foreach (var timestamp in complete)
        {
            await PutBackupAsync($"{Job}-{timestamp}", complete: true);
        }

        await PutBackupAsync($"{Job}-20260312T000000Z", complete: false);
        await PutBackupAsync($"{Job}-20260316T000000Z", complete: false);
        string[] foreign = ["other-20200101T000000Z.tar.gz", $"{Job}-20261399T000000Z.tar.gz", $"{Job}-latest.tar.gz", "notes.txt", $"sub/{Job}-20200101T000000Z.tar.gz", $"{Job}-20200101T000000Z.tar.gz.bak"];
        foreach (var name in foreign)
        {
            await WriteAsync($"{Prefix}/{name}", [1, 2, 3]);
        }

        var spec = WriteSpec(FakeSource("entries: 1"), "retention:\n  keepLast: 1\n  keepDaily: 2\n  keepWeekly: 2\n  keepMonthly: 3\n");
        var everything = await KeysAsync();

        var dryRun = await Host(["prune", "--spec", spec, "--dry-run"]);
        dryRun.ExitCode.Should().Be(0, dryRun.StandardError);
        (await KeysAsync()).Should().BeEquivalentTo(everything, "a dry run deletes nothing");
        dryRun.StandardOutput.Should().Contain($"would remove {Job}-20260315T080000Z");

        var prune = await Host(["prune", "--spec", spec]);
        prune.ExitCode.Should().Be(0, prune.StandardError);

        string[] kept = ["20260316T000000Z", "20260315T100000Z", "20260314T230000Z", "20260302T120000Z", "20260220T120000Z", "20260131T120000Z"];
        var expected = kept.SelectMany(t => Objects($"{Job}-{t}", complete: t != "20260316T000000Z")).Concat(foreign.Select(f => $"{Prefix}/{f}"));
        (await KeysAsync()).Should().BeEquivalentTo(expected);
    }

    [Fact]
    public async Task A_run_applies_retention_afterwards_but_a_failed_run_removes_nothing()
    {
        foreach (var timestamp in new[] { "20240101T000000Z", "20240102T000000Z" })
        {
            await PutBackupAsync($"{Job}-{timestamp}", complete: true);
        }

        var before = await KeysAsync();
        var failing = await Host(["run", "--spec", WriteSpec(FakeSource("behaviour: fail"), "retention:\n  keepLast: 1\n")]);
        failing.ExitCode.Should().Be(4);
        (await KeysAsync()).Should().BeEquivalentTo(before, "a failed run never applies retention");

        var ok = await Host(["run", "--spec", WriteSpec(FakeSource("entries: 1"), "retention:\n  keepLast: 1\n")]);

        ok.ExitCode.Should().Be(0, ok.StandardError);
        var id = ok.StandardOutput.Split(' ')[0];
        (await KeysAsync()).Should().BeEquivalentTo(Objects(id, complete: true));
    }

    [Fact]
    public async Task Restore_with_a_source_that_cannot_restore_is_one_line_with_exit_code_2()
    {
        var spec = WriteSpec(FakeSource("entries: 1"));
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);

        var restore = await Host(["restore", "--spec", spec, "--latest"]);

        restore.ExitCode.Should().Be(2);
        ErrorLines(restore).Should().ContainSingle().Which.Should().Contain("source plugin 'fake' cannot restore backups");
    }

    [Fact]
    public async Task Two_runs_started_in_the_same_second_both_succeed_with_different_ids_and_both_verify()
    {
        var spec = WriteSpec(FakeSource("entries: 1\n    bytes: 2000000"));
        await EarlyInASecondAsync();

        var runs = await Task.WhenAll(Host(["run", "--spec", spec]), Host(["run", "--spec", spec]));

        runs.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.StandardError));
        var ids = runs.Select(r => r.StandardOutput.Split(' ')[0]).ToList();
        ids.Distinct().Should().HaveCount(2, "two runs never share an id, even in the same second");
        (await KeysAsync()).Should().BeEquivalentTo(ids.SelectMany(id => Objects(id, complete: true)));
        foreach (var id in ids)
        {
            var verify = await Host(["verify", "--spec", spec, "--id", id]);
            verify.ExitCode.Should().Be(0, verify.StandardError);
        }
    }

    [Fact]
    public async Task A_run_whose_id_is_taken_exits_5_naming_the_key_and_the_backup_there_stays_whole()
    {
        var spec = WriteSpec(FakeSource("entries: 1\n    bytes: 300000"), name: "{job}-fixed");
        var first = await Host(["run", "--spec", spec]);
        first.ExitCode.Should().Be(0, first.StandardError);
        var archive = $"{Prefix}/{Job}-fixed.tar.gz";
        var before = await ReadAsync(archive);

        var second = await Host(["run", "--spec", spec]);

        second.ExitCode.Should().Be(5, second.StandardError);
        ErrorLines(second).Should().ContainSingle().Which.Should().Contain($"{archive} already exists");
        (await KeysAsync()).Should().BeEquivalentTo(Objects($"{Job}-fixed", complete: true));
        (await ReadAsync(archive)).Should().Equal(before);
        var verify = await Host(["verify", "--spec", spec, "--id", $"{Job}-fixed"]);
        verify.ExitCode.Should().Be(0, verify.StandardError);
    }

    [Fact]
    public async Task A_backup_dated_in_the_future_is_flagged_in_list_never_latest_and_never_pushes_real_backups_out()
    {
        var future = $"{Job}-20310101T000000Z";
        var old = $"{Job}-20240101T000000Z";
        await PutBackupAsync(future, complete: true);
        await PutBackupAsync(old, complete: true);
        var spec = WriteSpec(FakeSource("entries: 1"), "retention:\n  keepLast: 1\n");
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var id = run.StandardOutput.Split(' ')[0];

        var json = await Host(["list", "--spec", spec, "--output", "json"]);
        var table = await Host(["list", "--spec", spec]);
        var verify = await Host(["verify", "--spec", spec, "--latest"]);

        json.ExitCode.Should().Be(0, json.StandardError);
        JsonDocument.Parse(json.StandardOutput).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("id").GetString(), e.GetProperty("futureDated").GetBoolean()))
            .Should().Equal((future, true), (id, false));
        table.StandardOutput.Split('\n').Single(l => l.StartsWith(future, StringComparison.Ordinal)).Should().Contain("dated in the future");
        table.StandardOutput.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal)).Should().NotContain("future");
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().StartWith($"{id} ok: sha1 ", "--latest is the newest backup not dated in the future");
        (await KeysAsync()).Should().BeEquivalentTo(Objects(future, complete: true).Concat(Objects(id, complete: true)),
            "retention after the run kept the real newest backup, removed the old one by keepLast 1, and only kept the future-dated one aside");
    }

    private static string MariaDbSource => TestServers.MariaDbHaSchemasSource;

    protected static string FakeSource(string settings) => $"plugin: fake\n  settings:\n    {settings}";

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected static List<string> ErrorLines(BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();

    protected string WriteSpec(string source, string extra = "", string? name = null)
    {
        var path = Dir.Combine($"job-{Guid.NewGuid():N}.yaml");
        var artifactName = name is null ? "" : $"  name: '{name}'\n";
        File.WriteAllText(path, $"name: {Job}\nsource:\n  {source}\n{Storage.SpecSection()}artifact:\n  prefix: {Prefix}\n{artifactName}tempDirectory: {Dir.Combine("tmp")}\n{extra}");
        return path;
    }

    /// <summary>Returns early in a wall-clock second, so that runs started now read the same second when they name their backup.</summary>
    private static async Task EarlyInASecondAsync()
    {
        while (DateTime.UtcNow.Millisecond > 100)
        {
            await Task.Delay(5);
        }
    }

    protected Task<BufferedCommandResult> Host(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        PublishedHost.RunAsync([.. arguments, "--plugins-dir", _pluginsDirectory], environment);

    /// <summary>A <c>mariadb</c> first on PATH that records its arguments and runs the real client: the password must never be among them.</summary>
    private Dictionary<string, string?> ClientShim()
    {
        var real = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mariadb")).First(File.Exists);
        var bin = Directory.CreateDirectory(Dir.Combine("bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "mariadb"), $"#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{Dir.Combine("client-argv.txt")}'\nexec '{real}' \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "mariadb"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Dictionary<string, string?> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
    }

    protected IEnumerable<string> Objects(string id, bool complete, string suffix = ".tar.gz") =>
        complete
            ? [$"{Prefix}/{id}{suffix}", $"{Prefix}/{id}.manifest.json", $"{Prefix}/{id}{suffix}.sha1"]
            : [$"{Prefix}/{id}{suffix}", $"{Prefix}/{id}.manifest.json"];

    /// <summary>Stores placeholder objects named like a backup: enough for list and prune, which never open the archive.</summary>
    private async Task PutBackupAsync(string id, bool complete, int archiveBytes = 3, string suffix = ".tar.gz")
    {
        await WriteAsync($"{Prefix}/{id}{suffix}", new byte[archiveBytes]);
        await WriteAsync($"{Prefix}/{id}.manifest.json", Encoding.UTF8.GetBytes("{}"));
        if (complete)
        {
            await WriteAsync($"{Prefix}/{id}{suffix}.sha1", Encoding.ASCII.GetBytes($"{new string('0', 40)}  {id}{suffix}\n"));
        }
    }

    protected async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var stored in Readable.ListAsync(Prefix + "/", CancellationToken.None))
        {
            keys.Add(stored.Key);
        }

        return keys;
    }

    private async Task<string> SingleKeyAsync(string suffix) =>
        (await KeysAsync()).Where(k => k.EndsWith(suffix, StringComparison.Ordinal)).Should().ContainSingle().Subject;

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await Readable.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private Task WriteAsync(string key, byte[] bytes) =>
        _store!.UploadAsync(key, new MemoryStream(bytes), UploadOptions.For("application/octet-stream") with { Length = bytes.Length }, CancellationToken.None);

    private async Task SeedSourceAsync()
    {
        foreach (var sql in new[]
        {
            $"CREATE DATABASE {_database} CHARACTER SET utf8mb4",
            $"CREATE TABLE {_database}.people (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, photo BLOB NULL)",
            $"CREATE TABLE {_database}.payments (id INT AUTO_INCREMENT PRIMARY KEY, person_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL)",
            $"INSERT INTO {_database}.people VALUES (1, 'Ada', NULL), (2, 'Zoë \"q\" O''Brien\ttab', X'00FF10')",
            $"INSERT INTO {_database}.payments (person_id, amount) SELECT 1 + (seq % 2), seq / 7 FROM {_database}.seq_1_to_3000",
        })
        {
            await ExecuteAsync(TestServers.MariaDbPort, sql);
        }
    }

    private async Task DropAsync(int port) => await ExecuteAsync(port, $"DROP DATABASE IF EXISTS {_database}");

    private static async Task ExecuteAsync(int port, string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> DatabasesAsync(int port)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand("SELECT schema_name FROM information_schema.schemata ORDER BY schema_name", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<bool> DatabaseExistsAsync(int port, string name) => (await DatabasesAsync(port)).Contains(name);

    private async Task<string> ChecksumAsync(int port, string table)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand($"CHECKSUM TABLE {_database}.{table} EXTENDED", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        return reader.GetValue(1)?.ToString() ?? "null";
    }
}
