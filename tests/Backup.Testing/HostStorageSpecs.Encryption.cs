using System.Security.Cryptography;
using CliWrap.Buffered;
using FluentAssertions;
using Xunit;

namespace Backup.Testing;

/// <summary>An encrypted backup through this storage: <c>.age</c> objects that <c>age -d</c> opens, verified with and without the key.</summary>
public abstract partial class HostStorageSpecs
{
    [Fact]
    public async Task An_encrypted_backup_is_stored_as_age_that_age_decrypts_and_verify_checks_its_contents_only_with_the_key()
    {
        var keyFile = _dir.Combine("key.txt");
        await CliWrap.Cli.Wrap("age-keygen").WithArguments(["-o", keyFile]).ExecuteBufferedAsync();
        var publicKey = (await CliWrap.Cli.Wrap("age-keygen").WithArguments(["-y", keyFile]).ExecuteBufferedAsync()).StandardOutput.Trim();
        var spec = WriteSpec(Working, FakeSource("entries: 2\n    bytes: 300000"));
        await File.AppendAllTextAsync(spec, $"\nencryption:\n  recipients: [{publicKey}]\n");
        var plugins = await FakeAndStoragePluginsAsync();

        var result = await RunAsync(spec, Working, plugins);

        result.ExitCode.Should().Be(0, result.StandardError);
        var keys = (await ListAsync()).Select(o => o.Key).ToList();
        keys.Should().HaveCount(3).And.Contain(k => k.EndsWith(".tar.gz.age.sha1")).And.Contain(k => k.EndsWith(".manifest.json"));
        var archive = keys.Single(k => k.EndsWith(".tar.gz.age"));
        var local = _dir.Combine("stored.tar.gz.age");
        await using (var stream = await Reader().OpenReadAsync(archive, default))
        await using (var file = File.Create(local))
        {
            await stream.CopyToAsync(file);
        }

        var sha1 = Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(local)));
        (await ReadPropertiesAsync(archive + ".sha1")).Item2.Should().Be(sha1, "the .sha1 is of the stored, encrypted bytes");
        await CliWrap.Cli.Wrap("age").WithArguments(["-d", "-i", keyFile, "-o", _dir.Combine("opened.tar.gz"), local]).ExecuteBufferedAsync();
        (await ArchiveContent.ReadAsync(_dir.Combine("opened.tar.gz"))).Should().ContainKey("manifest.json", "age -d gives back the plain .tar.gz");

        var withoutKey = await PublishedHost.RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", plugins], Working.Environment);
        withoutKey.ExitCode.Should().Be(0, withoutKey.StandardError);
        withoutKey.StandardOutput.Should().Contain($"stored bytes ok: sha1 {sha1}").And.Contain("contents NOT checked");

        await File.AppendAllTextAsync(spec, $"  identity: {{file: {keyFile}}}\n");
        var withKey = await PublishedHost.RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", plugins], Working.Environment);
        withKey.ExitCode.Should().Be(0, withKey.StandardError);
        withKey.StandardOutput.Should().Contain($" ok: sha1 {sha1}").And.Contain("entries: ").And.NotContain("NOT checked");
    }
}
