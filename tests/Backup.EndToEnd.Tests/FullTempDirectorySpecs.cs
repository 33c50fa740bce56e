using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The published host with its temp directory on a 2 MiB tmpfs (see <see cref="SmallTempFileSystem"/>): a full temp disk
/// is one line naming the directory and the sizes, exit 9, in <c>run</c> and <c>restore</c> (which stages the compressed
/// archive); and restoring a decompression bomb stops at the manifest's size, so it is reported as damage (exit 7).
/// </summary>
/// <remarks><c>verify</c> writes nothing to the temp directory (entries go to Stream.Null), so it has no full-disk case.</remarks>
public sealed class FullTempDirectorySpecs : IAsyncLifetime
{
    private const long TempBytes = 2 << 20;
    private const string Id = "e2e-20240101T000000Z";

    private readonly TempDir _dir = new("backup-full-temp-");
    private string _pluginsDirectory = "";

    private string Temp => _dir.Combine("tmp");

    private string StoredDirectory => Directory.CreateDirectory(_dir.Combine("store", "p")).FullName;

    public async Task InitializeAsync() =>
        _pluginsDirectory = PublishedHost.ComposePluginsDirectory(
            _dir.Path,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"),
            await PublishedHost.FakeSourcePluginAsync());

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(null, "chunks", "chunk 0 of entry 'entry-0\\.bin'", @"archive mode buffers two chunks of 67,108,864 bytes there \(pipeline\.archiveChunkMiB\), so it needs 134,217,728 bytes")]
    [InlineData(0, "entries", "entry 'entry-0\\.bin'", @"archive mode keeps one raw copy of every entry there, so it needs at least the dump's size \(pipeline\.mode: streaming needs none\)")]
    public async Task A_run_whose_dump_does_not_fit_in_the_temp_directory_is_exit_9_naming_it_and_its_size_not_a_source_failure(int? chunkMiB, string directory, string what, string needs)
    {
        var result = await RunAsync("run", Spec("plugin: fake\n  settings:\n    entries: 1\n    bytes: 3000000", chunkMiB));

        result.ExitCode.Should().Be(9, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should()
            .MatchRegex($@"^error: the temp directory {Temp}/backup-e2e-[0-9a-f]{{10}}/{directory} is full: writing {what} after [\d,]+ bytes failed \(No space left on device.*\); {needs}; its file system has 2,097,152 bytes, 0 free$");
    }

    [Fact]
    public async Task A_real_mariadb_dump_into_a_full_temp_directory_is_exit_9_not_blamed_on_the_source()
    {
        var result = await RunAsync("run", Spec(TestServers.MariaDbHaSource), tempBytes: 64 << 10);

        result.ExitCode.Should().Be(9, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should()
            .StartWith($"error: the temp directory {Temp}/backup-e2e-").And.Contain("is full: writing chunk 0 of entry 'all-databases-dump.sql' after")
            .And.EndWith("its file system has 65,536 bytes, 0 free");
    }

    [Fact]
    public async Task A_restore_whose_compressed_archive_does_not_fit_in_the_temp_directory_is_exit_9_naming_the_space_it_needs()
    {
        // Random bytes do not compress: the staged archive is as large as the entry, more than the 2 MiB of temp.
        var entry = RandomNumberGenerator.GetBytes(3 << 20);
        var archiveSize = await StoreAsync(entry, new EntrySize(entry.Length, Convert.ToHexStringLower(SHA1.HashData(entry))));

        var result = await RunAsync("restore", Spec(TestServers.MariaDbHaSource), "--id", Id);

        result.ExitCode.Should().Be(9, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should()
            .MatchRegex($@"^error: the temp directory {Temp}/backup-e2e-[0-9a-f]{{10}}/staged is full: writing the archive {Id}\.tar\.gz after [\d,]+ of its {archiveSize:N0} bytes failed \(No space left on device.*\); restore stages the compressed archive there, so it needs {archiveSize:N0} bytes \(--no-staging needs none and downloads the archive twice\); its file system has 2,097,152 bytes, 0 free$");
    }

    [Fact]
    public async Task Restoring_a_decompression_bomb_stops_at_the_manifests_size_and_is_damage_not_a_full_disk()
    {
        // 64 MiB of zeros gzip to ~64 KB; the forged manifest (and .sha1) agree with the archive but say the entry is 10 bytes.
        await StoreAsync(new byte[64 << 20], new EntrySize(10, new string('0', 40)));

        var result = await RunAsync("restore", Spec(TestServers.MariaDbHaSource), "--id", Id);

        result.ExitCode.Should().Be(7, result.StandardError);
        ErrorLines(result).Should().Equal($"error: backup {Id} matches its .sha1 but the archive is damaged: entry 'dump.sql' is longer than the 10 bytes the manifest says");
    }

    private static List<string> ErrorLines(BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();

    private Task<BufferedCommandResult> RunAsync(string command, string spec, params string[] arguments) =>
        RunAsync(command, spec, TempBytes, arguments);

    private Task<BufferedCommandResult> RunAsync(string command, string spec, long tempBytes, params string[] arguments) =>
        SmallTempFileSystem.RunHostAsync(Temp, tempBytes, [command, "--spec", spec, "--plugins-dir", _pluginsDirectory, .. arguments]);

    private string Spec(string source, int? chunkMiB = null)
    {
        var path = _dir.Combine("job.yaml");
        var pipeline = chunkMiB is null ? "" : $"pipeline:\n  archiveChunkMiB: {chunkMiB}\n";
        File.WriteAllText(path, $"name: e2e\nsource:\n  {source}\nstorage:\n  plugin: local\n  settings:\n    path: {_dir.Combine("store")}\nartifact:\n  prefix: p\ntempDirectory: {Temp}\n{pipeline}");
        return path;
    }

    /// <summary>Stores a hand-made backup of one entry <c>dump.sql</c> holding <paramref name="content"/>, whose manifest says <paramref name="claimed"/>, with a matching .sha1.</summary>
    private async Task<long> StoreAsync(byte[] content, EntrySize claimed)
    {
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            formatVersion = 1,
            job = "e2e",
            backupId = Id,
            startedAt = DateTimeOffset.UnixEpoch,
            sourceFinishedAt = DateTimeOffset.UnixEpoch,
            sourcePlugin = "mariadb-ha",
            sourceMetadata = new Dictionary<string, string>(),
            entries = new[] { new { name = "dump.sql", size = claimed.Size, sha1 = claimed.Sha1 } },
            hostVersion = "forged",
        });
        var archive = Path.Combine(StoredDirectory, $"{Id}.tar.gz");
        await using (var gzip = new GZipStream(File.Create(archive), CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(manifest) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "dump.sql") { DataStream = new MemoryStream(content) });
        }

        var sha1 = Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(archive)));
        await File.WriteAllTextAsync(archive + ".sha1", $"{sha1}  {Id}.tar.gz\n", Encoding.ASCII);
        return new FileInfo(archive).Length;
    }

    private sealed record EntrySize(long Size, string Sha1);
}
