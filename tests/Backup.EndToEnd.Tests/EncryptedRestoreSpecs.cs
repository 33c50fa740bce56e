using System.Globalization;
using System.IO.Compression;
using System.Text;
using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// An encrypted backup of the real server through the published host: the backup run holds public keys only, the stored
/// object opens by hand with <c>age -d</c>, and restore loads it only with a key it was encrypted to (exit 7 and nothing
/// loaded for a stranger's key, no key, or altered ciphertext).
/// </summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class EncryptedRestoreSpecs : IAsyncLifetime
{
    private const string IdentityVariable = "BACKUP_TEST_AGE_IDENTITY";
    private readonly TempDir _dir = new("backup-age-");
    private readonly string _database = $"age_{Guid.NewGuid():N}"[..24];
    private string _pluginsDirectory = "";

    public async Task InitializeAsync()
    {
        _pluginsDirectory = await MariaDbHaPlugins.ComposeAsync(_dir.Path);
        await ExecuteAsync(TestServers.MariaDbPort, $"CREATE DATABASE {_database}", $"CREATE TABLE {_database}.secret_notes (id INT PRIMARY KEY)", $"INSERT INTO {_database}.secret_notes VALUES (1), (2), (3)");
        await ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {_database}");
    }

    public async Task DisposeAsync()
    {
        await ExecuteAsync(TestServers.MariaDbPort, $"DROP DATABASE IF EXISTS {_database}");
        await ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {_database}");
        _dir.Dispose();
    }

    [Theory]
    [InlineData("archive", ".tar.gz")]
    [InlineData("streaming", ".sql.gz")]
    public async Task An_encrypted_backup_opens_with_age_by_hand_and_restores_only_with_one_of_its_keys(string mode, string plainSuffix)
    {
        var (oldKey, oldPublic) = await AgeKeyPair.CreateAsync(_dir);
        var (newKey, newPublic) = await AgeKeyPair.CreateAsync(_dir);
        var (strangerKey, _) = await AgeKeyPair.CreateAsync(_dir);
        var store = _dir.Combine("store");
        var common = $"name: secret\nsource:\n  {TestServers.MariaDbHaSchemasSource}\nstorage:\n  plugin: local\n  settings:\n    path: {store}\ntempDirectory: {_dir.Combine("tmp")}\npipeline:\n  mode: {mode}\n  threads: 2\n  blockSizeMiB: 1\n";
        var encryption = $"encryption:\n  recipients: [{oldPublic}, {newPublic}]\n";
        var backupSpec = Write("backup.yaml", common + encryption);
        var restoreSpec = Write("restore.yaml", common + encryption + $"  identity: {{env: {IdentityVariable}}}\n");

        var run = await PublishedHost.RunAsync(["run", "--spec", backupSpec, "--plugins-dir", _pluginsDirectory]);

        run.ExitCode.Should().Be(0, run.StandardError);
        var stored = Directory.GetFiles(Path.Combine(store, "secret"), "*" + plainSuffix + ".age").Should().ContainSingle().Subject;
        File.Exists(stored + ".sha1").Should().BeTrue();
        var beside = await File.ReadAllTextAsync(Path.Combine(store, "secret", Path.GetFileName(stored)[..^(plainSuffix.Length + 4)] + ".manifest.json"));
        beside.Should().Contain(oldPublic).And.Contain(newPublic).And.NotContain("all-databases").And.NotContain(_database);

        // By hand, without this tool: age -d gives the .tar.gz / .sql.gz it would have stored unencrypted.
        var opened = _dir.Combine("opened" + plainSuffix);
        await CliWrap.Cli.Wrap("age").WithArguments(["-d", "-i", oldKey, "-o", opened, stored]).ExecuteBufferedAsync();
        (await DumpTextAsync(opened)).Should().Contain($"CREATE TABLE `secret_notes`").And.Contain("-- Dump completed");

        var verifyWithoutKey = await PublishedHost.RunAsync(["verify", "--spec", backupSpec, "--latest", "--plugins-dir", _pluginsDirectory]);
        verifyWithoutKey.ExitCode.Should().Be(0, verifyWithoutKey.StandardError);
        verifyWithoutKey.StandardOutput.Should().Contain("stored bytes ok").And.Contain("contents NOT checked");

        var withoutKey = await RestoreAsync(backupSpec, null);
        var withStranger = await RestoreAsync(restoreSpec, strangerKey);
        withoutKey.ExitCode.Should().Be(7, withoutKey.StandardError);
        withoutKey.ErrorLines().Should().ContainSingle().Which.Should().Contain("no private key is configured");
        withStranger.ExitCode.Should().Be(7, withStranger.StandardError);
        withStranger.ErrorLines().Should().ContainSingle().Which.Should().Contain("cannot be decrypted").And.Contain("wrong key");
        (await DatabaseExistsAsync()).Should().BeFalse("nothing may be loaded without the right key");

        var verify = await PublishedHost.RunAsync(["verify", "--spec", restoreSpec, "--latest", "--plugins-dir", _pluginsDirectory], Identity(newKey));
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().Contain(" ok: sha1 ").And.Contain("entries: ").And.NotContain("NOT checked");

        var restored = await RestoreAsync(restoreSpec, newKey);
        restored.ExitCode.Should().Be(0, restored.StandardError);
        (await CountAsync()).Should().Be(3);
        restored.StandardOutput.Should().Contain($"temp used: {new FileInfo(stored).Length} bytes", "the staged copy is the stored, still encrypted object");

        // Without staging both downloads are decrypted; the second is checked again as it loads.
        var unstaged = await RestoreAsync(restoreSpec, oldKey, "--no-staging");
        unstaged.ExitCode.Should().Be(0, unstaged.StandardError);
        unstaged.StandardOutput.Should().Contain("temp used: 0 bytes");
        (await CountAsync()).Should().Be(3);
    }

    [Fact]
    public async Task Ciphertext_altered_in_the_store_with_a_recomputed_sha1_exits_7_and_loads_nothing()
    {
        var (key, publicKey) = await AgeKeyPair.CreateAsync(_dir);
        var store = _dir.Combine("store");
        var spec = Write("job.yaml", $"name: altered\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {store}\ntempDirectory: {_dir.Combine("tmp")}\nencryption:\n  recipients: [{publicKey}]\n  identity: {{env: {IdentityVariable}}}\n");
        (await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _pluginsDirectory])).ExitCode.Should().Be(0);
        var stored = Directory.GetFiles(Path.Combine(store, "altered"), "*.tar.gz.age").Single();
        var bytes = await File.ReadAllBytesAsync(stored);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(stored, bytes);
        var sha1 = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(bytes));
        await File.WriteAllTextAsync(stored + ".sha1", $"{sha1}  {Path.GetFileName(stored)}\n");

        var result = await RestoreAsync(spec, key);

        result.ExitCode.Should().Be(7, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Contain("damaged").And.Contain("fails authentication");
        (await DatabaseExistsAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task Validate_refuses_a_secret_key_pasted_as_a_recipient_in_one_line_with_exit_2_without_echoing_it()
    {
        var (key, _) = await AgeKeyPair.CreateAsync(_dir);
        var secret = (await File.ReadAllLinesAsync(key)).Single(l => l.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal));
        var spec = Write("job.yaml", $"name: bad\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {_dir.Combine("store")}\nencryption:\n  recipients: [{secret}]\n");

        var result = await PublishedHost.RunAsync(["validate", "--spec", spec, "--plugins-dir", _pluginsDirectory]);

        result.ExitCode.Should().Be(2, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().MatchRegex(@"job\.yaml:\d+:\d+: encryption\.recipients: ").And.Contain("starts with 'age1'");
        (result.StandardError + result.StandardOutput).Should().NotContain(secret);
    }

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> Identity(string? keyFile) =>
        new() { [IdentityVariable] = keyFile is null ? null : File.ReadAllText(keyFile) };

    private async Task<BufferedCommandResult> RestoreAsync(string spec, string? keyFile, params string[] extra) =>
        await PublishedHost.RunAsync(
            ["restore", "--spec", spec, "--latest", "--target-port", TestServers.RestorePort.ToString(CultureInfo.InvariantCulture), "--force", "--plugins-dir", _pluginsDirectory, .. extra],
            Identity(keyFile));

    private static async Task<string> DumpTextAsync(string path)
    {
        if (path.EndsWith(".tar.gz", StringComparison.Ordinal))
        {
            return (await ArchiveContent.ReadAsync(path)).FirstOrDefault(e => e.Key.EndsWith(".sql", StringComparison.Ordinal)).Value is { } dump
                ? Encoding.UTF8.GetString(dump)
                : throw new InvalidOperationException($"no .sql entry in {path}");
        }

        await using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        return await new StreamReader(gzip, Encoding.UTF8).ReadToEndAsync();
    }

    private async Task<bool> DatabaseExistsAsync() =>
        await TestServers.CountAsync(TestServers.RestorePort, $"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{_database}'") > 0;

    private Task<long> CountAsync() => TestServers.CountAsync(TestServers.RestorePort, $"SELECT COUNT(*) FROM {_database}.secret_notes");

    private static Task ExecuteAsync(int port, params string[] statements) => TestServers.ExecuteAsync(port, statements);
}
